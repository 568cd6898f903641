package io.openledger.chain.staking;

import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * A staker's shares in one class of an operator's pool.
 *
 * @param shares shares held
 * @param lockedUntil block timestamp before which they cannot be unbonded (0: flexible)
 */
public record Position(BigInteger shares, long lockedUntil) {
  public static final Position NONE = new Position(BigInteger.ZERO, 0);
  static final int SIZE = 32 + 8;

  public boolean isEmpty() {
    return shares.signum() == 0;
  }

  /** {@code shares (32) ‖ lockedUntil (8)}. */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(Amount.of(shares).toBytes32())
        .putLong(lockedUntil)
        .array();
  }

  static Position decode(byte[] value) {
    ByteBuffer b = Codec.reader(value, SIZE, "position");
    return new Position(Codec.amount(b).value(), b.getLong());
  }
}
