package io.openledger.chain.datanet;

import java.nio.ByteBuffer;

/**
 * A contributor's record of upheld adversarial-data flags.
 *
 * @param score contributions of this contributor penalized so far
 * @param barred true from the penalty that brought {@code score} to the {@code penaltyThreshold} in
 *     force then: none of its contributions earns from fees any more
 */
public record PenaltyScore(int score, boolean barred) {
  public static final PenaltyScore NONE = new PenaltyScore(0, false);

  /** Size of {@link #encode()}: 4 + 1. */
  static final int SIZE = 5;

  /** The score after one more penalty, barred once it reaches {@code threshold}. */
  PenaltyScore plusOne(int threshold) {
    int next = Math.addExact(score, 1);
    return new PenaltyScore(next, barred || next >= threshold);
  }

  byte[] encode() {
    return ByteBuffer.allocate(SIZE).putInt(score).put((byte) (barred ? 1 : 0)).array();
  }

  static PenaltyScore decode(byte[] b) {
    if (b.length != SIZE || (b[4] & 0xfe) != 0) {
      throw new IllegalArgumentException("not an encoded penalty score");
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new PenaltyScore(buf.getInt(), buf.get() == 1);
  }
}
