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
 * @param graceCap a higher cap the key had before its payer lowered it: charges up to it are still
 *     taken until {@code graceUntil}, so lowering a cap cannot dodge the fees of requests already
 *     served (as a revocation cannot); zero when none
 * @param graceUntil last block timestamp at which {@code graceCap} holds; zero when none
 */
public record ApiKey(
    Address payer, Amount cap, Amount spent, long revokedAt, Amount graceCap, long graceUntil) {
  static final int SIZE = Address.SIZE + 3 * Fields.AMOUNT + 2 * Fields.LONG;

  /** A key with no lowered cap in grace. */
  public ApiKey(Address payer, Amount cap, Amount spent, long revokedAt) {
    this(payer, cap, spent, revokedAt, Amount.ZERO, 0);
  }

  /** The cap charges landing at block timestamp {@code t} are held to. */
  public Amount capAt(long t) {
    return t <= graceUntil ? cap.max(graceCap) : cap;
  }

  /** This key with {@code spent} charged on it. */
  ApiKey withSpent(Amount spent) {
    return new ApiKey(payer, cap, spent, revokedAt, graceCap, graceUntil);
  }

  /** This key revoked at {@code t}. */
  ApiKey revokedAt(long t) {
    return new ApiKey(payer, cap, spent, t, graceCap, graceUntil);
  }

  public boolean revoked() {
    return revokedAt != 0;
  }

  /** What may still be charged on the key. */
  public Amount remaining() {
    return cap.subtract(spent.min(cap));
  }

  /**
   * {@code payer (20) ‖ cap (32) ‖ spent (32) ‖ revokedAt (8) ‖ graceCap (32) ‖ graceUntil (8)}.
   */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(payer.toArray())
        .put(cap.toBytes32())
        .put(spent.toBytes32())
        .putLong(revokedAt)
        .put(graceCap.toBytes32())
        .putLong(graceUntil)
        .array();
  }

  static ApiKey decode(byte[] value) {
    ByteBuffer b = Fields.reader(value, SIZE, "api key");
    return new ApiKey(
        Fields.address(b),
        Fields.amount(b),
        Fields.amount(b),
        b.getLong(),
        Fields.amount(b),
        b.getLong());
  }
}
