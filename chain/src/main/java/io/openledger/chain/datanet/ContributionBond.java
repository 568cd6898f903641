package io.openledger.chain.datanet;

import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;

/**
 * What the datanet module holds for one contribution: its bond (base units; the {@code
 * contributionBond} it was sent with, until it is rejected or penalized) and whether an upheld
 * adversarial-data flag penalized it.
 *
 * @param held base units the module holds for it now
 * @param penalized true once the challenge module took its bond; it earns nothing afterwards
 */
public record ContributionBond(Amount held, boolean penalized) {
  /** No bond held, not penalized: a contribution without a slot. */
  public static final ContributionBond NONE = new ContributionBond(Amount.ZERO, false);

  /** Size of {@link #encode()}: 32 + 1. */
  static final int SIZE = 33;

  byte[] encode() {
    return ByteBuffer.allocate(SIZE).put(held.toBytes32()).put((byte) (penalized ? 1 : 0)).array();
  }

  static ContributionBond decode(byte[] b) {
    if (b.length != SIZE || (b[32] & 0xfe) != 0) {
      throw new IllegalArgumentException("not an encoded contribution bond");
    }
    byte[] amount = new byte[32];
    System.arraycopy(b, 0, amount, 0, 32);
    return new ContributionBond(Amount.fromBytes(amount), b[32] == 1);
  }
}
