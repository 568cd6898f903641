package io.openledger.chain.inference;

import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;

/**
 * A payer's escrow: what batches may charge, and the withdrawal the payer asked for. A requested
 * withdrawal stays in {@code balance} (and chargeable) until it is withdrawn.
 *
 * @param balance base units held for the payer
 * @param pendingWithdrawal the amount of the last withdrawal request; zero when none
 * @param withdrawableAt block timestamp from which {@code withdraw()} pays; zero when none
 */
public record Escrow(Amount balance, Amount pendingWithdrawal, long withdrawableAt) {
  public static final Escrow EMPTY = new Escrow(Amount.ZERO, Amount.ZERO, 0);
  static final int SIZE = 2 * Fields.AMOUNT + Fields.LONG;

  public boolean isEmpty() {
    return equals(EMPTY);
  }

  /** {@code balance (32) ‖ pendingWithdrawal (32) ‖ withdrawableAt (8)}. */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(balance.toBytes32())
        .put(pendingWithdrawal.toBytes32())
        .putLong(withdrawableAt)
        .array();
  }

  static Escrow decode(byte[] value) {
    ByteBuffer b = Fields.reader(value, SIZE, "escrow");
    return new Escrow(Fields.amount(b), Fields.amount(b), b.getLong());
  }

  Escrow withBalance(Amount newBalance) {
    return new Escrow(newBalance, pendingWithdrawal, withdrawableAt);
  }
}
