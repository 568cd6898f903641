package io.openledger.chain.points;

import java.util.ArrayList;
import java.util.List;

/**
 * The testnet points rule (docs/points.md), from the genesis file's {@code points} section: what
 * each kind of work earns and the most it earns one account on one UTC day ({@code day =
 * blockTimestamp / 86,400}). Points are whole numbers; an award that would pass a cap is cut to it.
 *
 * @param version the rule's version (1), so a later rule is a new version, not an edit
 * @param dataPointsPerScore points per validation score point (0..100) of an accepted contribution
 * @param dataDailyCap most data points per account per day
 * @param usagePointsPerOpen points per OPEN (10^18 base units) a data contributor is paid in a
 *     final batch, rounded down per payout
 * @param usageDailyCap most usage points per account per day
 * @param validationPointsPerVote points per challenge vote of a validator
 * @param validationDailyCap most validation points per account per day
 * @param uptimePointsPerDay points of an operator for a day on which one of its paid batches became
 *     final (at most once a day: this is also the cap)
 */
public record PointsRule(
    int version,
    long dataPointsPerScore,
    long dataDailyCap,
    long usagePointsPerOpen,
    long usageDailyCap,
    long validationPointsPerVote,
    long validationDailyCap,
    long uptimePointsPerDay) {

  /** Seconds in a UTC day. */
  public static final long DAY_SECONDS = 86_400;

  /** Largest weight or cap: keeps every sum of a day's points far from overflow. */
  public static final long MAX = 1_000_000_000_000L;

  /**
   * The defaults: 10 points per score point (an accepted contribution scored 90 earns 900), 10,000
   * a day; 1,000 points per OPEN of usage, 10,000 a day; 100 per vote, 1,000 a day; 1,000 for a day
   * of uptime.
   */
  public static final PointsRule DEFAULTS =
      new PointsRule(1, 10, 10_000, 1_000, 10_000, 100, 1_000, 1_000);

  /**
   * @throws IllegalArgumentException naming every value out of range
   */
  public PointsRule {
    List<String> problems = new ArrayList<>();
    if (version != 1) {
      problems.add("version must be 1 (the only points rule so far), got " + version);
    }
    check(problems, "dataPointsPerScore", dataPointsPerScore);
    check(problems, "dataDailyCap", dataDailyCap);
    check(problems, "usagePointsPerOpen", usagePointsPerOpen);
    check(problems, "usageDailyCap", usageDailyCap);
    check(problems, "validationPointsPerVote", validationPointsPerVote);
    check(problems, "validationDailyCap", validationDailyCap);
    check(problems, "uptimePointsPerDay", uptimePointsPerDay);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  private static void check(List<String> problems, String name, long v) {
    if (v < 0 || v > MAX) {
      problems.add(name + " must be between 0 and " + MAX + ", got " + v);
    }
  }

  /** The most {@code category} earns one account on one day. */
  public long dailyCap(PointsCategory category) {
    return switch (category) {
      case DATA -> dataDailyCap;
      case USAGE -> usageDailyCap;
      case VALIDATION -> validationDailyCap;
      case UPTIME -> uptimePointsPerDay;
    };
  }

  /** The UTC day of a block timestamp. */
  public static long day(long timestamp) {
    return Math.floorDiv(timestamp, DAY_SECONDS);
  }
}
