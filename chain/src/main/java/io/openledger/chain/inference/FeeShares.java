package io.openledger.chain.inference;

/**
 * How the usage part of an inference fee is shared, in basis points (1/10,000): the platform
 * (treasury), the model owner, the stakers (for now the operator) and the data (the attributed
 * contributions). The four always sum to 10,000.
 */
public record FeeShares(int platformBps, int ownerBps, int stakersBps, int dataBps) {
  public static final int TOTAL_BPS = 10_000;

  /** The default split of docs/economy.md: 10% / 20% / 20% / 50%. */
  public static final FeeShares DEFAULT = new FeeShares(1_000, 2_000, 2_000, 5_000);

  /**
   * @throws IllegalArgumentException if a share is negative or above 10,000, or they do not sum to
   *     10,000
   */
  public FeeShares {
    check("platformBps", platformBps);
    check("ownerBps", ownerBps);
    check("stakersBps", stakersBps);
    check("dataBps", dataBps);
    int sum = platformBps + ownerBps + stakersBps + dataBps;
    if (sum != TOTAL_BPS) {
      throw new IllegalArgumentException(
          "fee shares must sum to "
              + TOTAL_BPS
              + " bps, got "
              + sum
              + " ("
              + platformBps
              + " + "
              + ownerBps
              + " + "
              + stakersBps
              + " + "
              + dataBps
              + ")");
    }
  }

  private static void check(String name, int bps) {
    if (bps < 0 || bps > TOTAL_BPS) {
      throw new IllegalArgumentException(name + " must be in 0.." + TOTAL_BPS + ", got " + bps);
    }
  }
}
