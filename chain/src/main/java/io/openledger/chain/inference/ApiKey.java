package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;

/**
 * An API key bound to a payer's escrow: operators may charge it up to {@code cap} in total.
 *
 * @param payer whose escrow pays
 * @param cap the most all charges on this key may add up to, base units
 * @param spent what has been charged on it
 * @param revokedAt block timestamp of the revocation; zero while it is not revoked
 */
public record ApiKey(Address payer, Amount cap, Amount spent, long revokedAt) {
  static final int SIZE = Address.SIZE + 2 * Fields.AMOUNT + Fields.LONG;

  public boolean revoked() {
    return revokedAt != 0;
  }

  /** What may still be charged on the key. */
  public Amount remaining() {
    return cap.subtract(spent.min(cap));
  }

  /** {@code payer (20) ‖ cap (32) ‖ spent (32) ‖ revokedAt (8)}. */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(payer.toArray())
        .put(cap.toBytes32())
        .put(spent.toBytes32())
        .putLong(revokedAt)
        .array();
  }

  static ApiKey decode(byte[] value) {
    ByteBuffer b = Fields.reader(value, SIZE, "api key");
    return new ApiKey(Fields.address(b), Fields.amount(b), Fields.amount(b), b.getLong());
  }
}
