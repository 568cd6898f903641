package io.openledger.chain.staking;

import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The protocol parameters of the staking module (docs/staking.md, "Parameters"), from the genesis
 * file's {@code economy} section.
 *
 * @param unbondingDelay seconds between {@code unbond} and {@code withdraw}; the stake can still be
 *     slashed during it
 * @param lockDaySeconds the length of a lock-term day: 86,400 on testnet and mainnet, shorter on
 *     the devnet so a 30-day term can be watched
 * @param experimentalMinimum the least stake an operator of an experimental model needs, base units
 * @param standardMinimum the same for a standard model
 * @param criticalMinimum the same for a critical model
 * @param lockWeight30Bps reward weight of a 30-day lock, basis points (flexible stake is 10,000)
 * @param lockWeight90Bps reward weight of a 90-day lock
 * @param lockWeight180Bps reward weight of a 180-day lock
 * @param lockWeight365Bps reward weight of a 365-day lock
 */
public record StakingParameters(
    long unbondingDelay,
    long lockDaySeconds,
    Amount experimentalMinimum,
    Amount standardMinimum,
    Amount criticalMinimum,
    int lockWeight30Bps,
    int lockWeight90Bps,
    int lockWeight180Bps,
    int lockWeight365Bps) {

  /** The weight of flexible (unlocked) stake: 1.0. */
  public static final int FLEXIBLE_WEIGHT_BPS = 10_000;

  /** The largest weight a lock may carry: 10.0. */
  public static final int MAX_WEIGHT_BPS = 100_000;

  /** Testnet and mainnet: 7-day unbonding, tiers 1,000 / 10,000 / 100,000 OPEN. */
  public static final StakingParameters DEFAULTS =
      new StakingParameters(
          604_800,
          86_400,
          Amount.open(1_000),
          Amount.open(10_000),
          Amount.open(100_000),
          11_000,
          12_500,
          15_000,
          20_000);

  /** The devnet: two minutes of unbonding, a lock-term day of one second (30 days = 30 s). */
  public static final StakingParameters DEVNET =
      new StakingParameters(
          120,
          1,
          Amount.open(1_000),
          Amount.open(10_000),
          Amount.open(100_000),
          11_000,
          12_500,
          15_000,
          20_000);

  /**
   * @throws IllegalArgumentException naming every parameter out of range
   */
  public StakingParameters {
    Objects.requireNonNull(experimentalMinimum, "experimentalMinimum");
    Objects.requireNonNull(standardMinimum, "standardMinimum");
    Objects.requireNonNull(criticalMinimum, "criticalMinimum");
    List<String> problems = new ArrayList<>();
    if (unbondingDelay <= 0) {
      problems.add("unbondingDelay must be greater than 0, got " + unbondingDelay);
    }
    if (lockDaySeconds <= 0) {
      problems.add("lockDaySeconds must be greater than 0, got " + lockDaySeconds);
    }
    if (experimentalMinimum.isZero()) {
      problems.add("experimentalMinimumStake must be greater than 0");
    }
    if (standardMinimum.lessThan(experimentalMinimum)
        || criticalMinimum.lessThan(standardMinimum)) {
      problems.add(
          "tier minimums must not decrease: experimental "
              + experimentalMinimum.toOpenString()
              + ", standard "
              + standardMinimum.toOpenString()
              + ", critical "
              + criticalMinimum.toOpenString()
              + " OPEN");
    }
    int previous = FLEXIBLE_WEIGHT_BPS;
    int[] weights = {lockWeight30Bps, lockWeight90Bps, lockWeight180Bps, lockWeight365Bps};
    String[] names = {"lockWeight30Bps", "lockWeight90Bps", "lockWeight180Bps", "lockWeight365Bps"};
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] < previous || weights[i] > MAX_WEIGHT_BPS) {
        problems.add(
            names[i]
                + " must be between "
                + previous
                + " (the term before) and "
                + MAX_WEIGHT_BPS
                + ", got "
                + weights[i]);
      }
      previous = Math.max(previous, weights[i]);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The least stake an operator serving a model of {@code tier} needs. */
  public Amount minimum(Tier tier) {
    return switch (tier) {
      case EXPERIMENTAL -> experimentalMinimum;
      case STANDARD -> standardMinimum;
      case CRITICAL -> criticalMinimum;
    };
  }

  /** The reward weight of {@code term}, basis points. */
  public int weightBps(LockTerm term) {
    return switch (term) {
      case FLEXIBLE -> FLEXIBLE_WEIGHT_BPS;
      case DAYS_30 -> lockWeight30Bps;
      case DAYS_90 -> lockWeight90Bps;
      case DAYS_180 -> lockWeight180Bps;
      case DAYS_365 -> lockWeight365Bps;
    };
  }

  /** Seconds a stake added under {@code term} stays locked. */
  public long lockSeconds(LockTerm term) {
    return Math.multiplyExact(term.days(), lockDaySeconds);
  }
}
