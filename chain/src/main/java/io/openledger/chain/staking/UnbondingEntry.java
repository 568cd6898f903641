package io.openledger.chain.staking;

import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * Stake on its way out: shares of the pool's unbonding class, so a slash during the delay reaches
 * it without a loop over entries.
 *
 * @param shares shares of the unbonding class
 * @param releaseAt block timestamp from which {@code withdraw} pays it
 */
public record UnbondingEntry(BigInteger shares, long releaseAt) {
  static final int SIZE = 32 + 8;

  /** {@code shares (32) ‖ releaseAt (8)}. */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE).put(Amount.of(shares).toBytes32()).putLong(releaseAt).array();
  }

  static UnbondingEntry decode(byte[] value) {
    ByteBuffer b = Codec.reader(value, SIZE, "unbonding entry");
    return new UnbondingEntry(Codec.amount(b).value(), b.getLong());
  }
}
