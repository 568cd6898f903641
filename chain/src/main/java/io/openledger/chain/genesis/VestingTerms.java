package io.openledger.chain.genesis;

/**
 * How an allocation vests, relative to the genesis timestamp (see {@link
 * io.openledger.chain.vesting.VestingSchedule}).
 *
 * @param cliff seconds after genesis before anything vests
 * @param duration seconds of linear vesting after the cliff
 */
public record VestingTerms(long cliff, long duration) {
  /** One month as used in the tokenomics: a twelfth of 365 days (2,628,000 s). */
  public static final long MONTH = 365L * 24 * 3600 / 12;

  public VestingTerms {
    if (cliff < 0 || duration < 0) {
      throw new IllegalArgumentException("vesting cliff and duration must be >= 0");
    }
  }

  public static VestingTerms months(long cliffMonths, long linearMonths) {
    return new VestingTerms(cliffMonths * MONTH, linearMonths * MONTH);
  }
}
