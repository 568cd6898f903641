package io.openledger.chain.inference;

import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;

/**
 * An account's earnings from inference fees.
 *
 * @param pending in batches not yet final
 * @param claimable in final batches, not yet claimed
 * @param claimed paid out so far
 */
public record Earnings(Amount pending, Amount claimable, Amount claimed) {
  public static final Earnings NONE = new Earnings(Amount.ZERO, Amount.ZERO, Amount.ZERO);
  static final int SIZE = 3 * Fields.AMOUNT;

  /** {@code pending (32) ‖ claimable (32) ‖ claimed (32)}. */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(pending.toBytes32())
        .put(claimable.toBytes32())
        .put(claimed.toBytes32())
        .array();
  }

  static Earnings decode(byte[] value) {
    ByteBuffer b = Fields.reader(value, SIZE, "earnings");
    return new Earnings(Fields.amount(b), Fields.amount(b), Fields.amount(b));
  }
}
