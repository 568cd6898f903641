package io.openledger.chain.inference;

import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;

/**
 * Running totals over all accounts, kept so the module's balance can be audited without a scan: the
 * module holds exactly {@code escrows + pending + claimable}.
 *
 * @param escrows the sum of every escrow balance
 * @param pending the sum of every account's pending earnings
 * @param claimable the sum of every account's claimable earnings
 */
public record InferenceTotals(Amount escrows, Amount pending, Amount claimable) {
  public static final InferenceTotals ZERO =
      new InferenceTotals(Amount.ZERO, Amount.ZERO, Amount.ZERO);
  static final int SIZE = 3 * Fields.AMOUNT;

  /** What the module's account must hold. */
  public Amount held() {
    return escrows.add(pending).add(claimable);
  }

  /** {@code escrows (32) ‖ pending (32) ‖ claimable (32)}. */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(escrows.toBytes32())
        .put(pending.toBytes32())
        .put(claimable.toBytes32())
        .array();
  }

  static InferenceTotals decode(byte[] value) {
    ByteBuffer b = Fields.reader(value, SIZE, "totals");
    return new InferenceTotals(Fields.amount(b), Fields.amount(b), Fields.amount(b));
  }
}
