package io.openledger.attribution.trace;

/**
 * Token rarity in integer arithmetic, so every implementation computes the same bits (spec section
 * "Rarity"). Units: 2^-16 bit.
 */
public final class Rarity {
  /** Fractional bits of {@link #log2Fixed}. */
  public static final int FRACTION_BITS = 16;

  private Rarity() {}

  /**
   * {@code log2(x) * 2^16} for {@code x >= 1}, computed exactly as follows: {@code k = floor(log2
   * x)}; {@code m} = x scaled to 32 significant bits ({@code x << (31-k)} or {@code x >>> (k-31)}),
   * so {@code 2^31 <= m < 2^32}; then 16 times: {@code m = (m*m) >>> 31} (unsigned 64-bit product);
   * if {@code m >= 2^32} the next fraction bit is 1 and {@code m >>>= 1}, else it is 0.
   */
  public static long log2Fixed(long x) {
    if (x < 1) {
      throw new IllegalArgumentException("log2 of " + x);
    }
    int k = 63 - Long.numberOfLeadingZeros(x);
    long m = k >= 31 ? x >>> (k - 31) : x << (31 - k);
    long result = (long) k << FRACTION_BITS;
    for (int bit = FRACTION_BITS - 1; bit >= 0; bit--) {
      m = (m * m) >>> 31;
      if (m >= (1L << 32)) {
        m >>>= 1;
        result |= 1L << bit;
      }
    }
    return result;
  }

  /**
   * Surprisal of a token seen {@code count} times among {@code total} corpus tokens: {@code
   * log2Fixed(total + 1) - log2Fixed(count + 1)}, so an unseen token is as rare as possible and a
   * token that is every token weighs almost nothing.
   */
  public static long surprisal(long count, long total) {
    return log2Fixed(total + 1) - log2Fixed(count + 1);
  }
}
