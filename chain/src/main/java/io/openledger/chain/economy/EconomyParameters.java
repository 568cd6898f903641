package io.openledger.chain.economy;

import io.openledger.chain.challenge.ChallengeParameters;
import io.openledger.chain.inference.FeeShares;
import io.openledger.chain.inference.InferenceParameters;
import io.openledger.chain.staking.StakingParameters;
import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.List;

/**
 * The protocol parameters of the data economy (docs/economy.md, "Parameters"): contribution limits,
 * the fee shares and the windows of the inference module. They come from the genesis file's {@code
 * economy} section and are the same on every node; the field names are the section's keys.
 *
 * @param maxSubmissionBytes largest contribution, bytes
 * @param maxContributorBytesPerDay bytes one address may contribute per UTC day, all datanets
 * @param maxDatanetBytesPerDay bytes one datanet may receive per UTC day
 * @param maxSubmissionsPerContributorPerDay contributions one address may submit per UTC day
 * @param platformBps share of usage to the treasury, basis points (1/10,000)
 * @param ownerBps share of usage to the model owner, basis points
 * @param stakersBps share of usage to the operator's stake pool, basis points
 * @param dataBps share of usage to the contributors, basis points
 * @param platformFee flat fee per request to the treasury, base units
 * @param challengeWindow seconds between posting a batch and finalizing it
 * @param withdrawalDelay seconds between requesting a withdrawal of escrow and paying it
 * @param revocationGrace seconds after a key's revocation during which charges are still accepted
 * @param staking the staking module's parameters (docs/staking.md)
 * @param challenges the challenge module's parameters (docs/staking.md)
 * @param contributionBond what a contribution must send with it, base units: returned when the
 *     owner rejects it, held while it is accepted, taken by an upheld adversarial-data flag; above
 *     0
 * @param penaltyThreshold upheld flags after which a contributor's contributions earn nothing
 */
public record EconomyParameters(
    long maxSubmissionBytes,
    long maxContributorBytesPerDay,
    long maxDatanetBytesPerDay,
    int maxSubmissionsPerContributorPerDay,
    int platformBps,
    int ownerBps,
    int stakersBps,
    int dataBps,
    Amount platformFee,
    long challengeWindow,
    long withdrawalDelay,
    long revocationGrace,
    StakingParameters staking,
    ChallengeParameters challenges,
    Amount contributionBond,
    int penaltyThreshold) {

  /** The whole of a fee in basis points. */
  public static final int TOTAL_BPS = 10_000;

  /** The default bond of a contribution: 1 OPEN. */
  public static final Amount DEFAULT_CONTRIBUTION_BOND = Amount.open(1);

  /** The default penalty threshold: a contributor flagged three times earns nothing more. */
  public static final int DEFAULT_PENALTY_THRESHOLD = 3;

  /** A UTC day in seconds: limits reset at {@code timestamp / SECONDS_PER_DAY}. */
  public static final long SECONDS_PER_DAY = 86_400;

  /** Testnet and mainnet: the defaults of docs/economy.md. */
  public static final EconomyParameters DEFAULTS =
      new EconomyParameters(
          5_000_000,
          10_000_000,
          10_000_000,
          20,
          1_000,
          2_000,
          2_000,
          5_000,
          Amount.ZERO,
          604_800,
          1_209_600,
          1_209_600,
          StakingParameters.DEFAULTS,
          ChallengeParameters.DEFAULTS,
          DEFAULT_CONTRIBUTION_BOND,
          DEFAULT_PENALTY_THRESHOLD);

  /** The devnet: the defaults with short windows (a minute to finalize, three to withdraw). */
  public static final EconomyParameters DEVNET =
      new EconomyParameters(
          5_000_000,
          10_000_000,
          10_000_000,
          20,
          1_000,
          2_000,
          2_000,
          5_000,
          Amount.ZERO,
          60,
          180,
          180,
          StakingParameters.DEVNET,
          ChallengeParameters.DEVNET,
          Amount.parseOpen("0.1"),
          DEFAULT_PENALTY_THRESHOLD);

  /**
   * @throws IllegalArgumentException naming every parameter out of range
   */
  public EconomyParameters {
    List<String> problems = new ArrayList<>();
    positive(problems, "maxSubmissionBytes", maxSubmissionBytes);
    positive(problems, "maxContributorBytesPerDay", maxContributorBytesPerDay);
    positive(problems, "maxDatanetBytesPerDay", maxDatanetBytesPerDay);
    positive(problems, "maxSubmissionsPerContributorPerDay", maxSubmissionsPerContributorPerDay);
    if (maxSubmissionBytes > maxContributorBytesPerDay
        || maxSubmissionBytes > maxDatanetBytesPerDay) {
      problems.add(
          "maxSubmissionBytes ("
              + maxSubmissionBytes
              + ") must not exceed maxContributorBytesPerDay ("
              + maxContributorBytesPerDay
              + ") or maxDatanetBytesPerDay ("
              + maxDatanetBytesPerDay
              + "): a submission that large could never be accepted");
    }
    bps(problems, "platformBps", platformBps);
    bps(problems, "ownerBps", ownerBps);
    bps(problems, "stakersBps", stakersBps);
    bps(problems, "dataBps", dataBps);
    long sum = (long) platformBps + ownerBps + stakersBps + dataBps;
    if (sum != TOTAL_BPS) {
      problems.add(
          "platformBps + ownerBps + stakersBps + dataBps = " + sum + ", want exactly " + TOTAL_BPS);
    }
    if (platformFee == null) {
      problems.add("platformFee is missing");
    }
    positive(problems, "challengeWindow", challengeWindow);
    positive(problems, "withdrawalDelay", withdrawalDelay);
    if (revocationGrace < 0) {
      problems.add("revocationGrace must be >= 0 seconds, got " + revocationGrace);
    }
    if (staking == null) {
      problems.add("staking parameters are missing");
    }
    if (challenges == null) {
      problems.add("challenge parameters are missing");
    }
    if (contributionBond == null) {
      problems.add("contributionBond is missing");
    } else if (contributionBond.isZero()) {
      problems.add("contributionBond must be greater than 0: a penalty must cost something");
    }
    positive(problems, "penaltyThreshold", penaltyThreshold);
    if (staking != null && staking.unbondingDelay() < challengeWindow) {
      problems.add(
          "unbondingDelay ("
              + staking.unbondingDelay()
              + ") must be at least challengeWindow ("
              + challengeWindow
              + "): stake must stay slashable while a batch can be challenged");
    }
    if (staking != null
        && challenges != null
        && staking.unbondingDelay() < challenges.voteWindow()) {
      problems.add(
          "unbondingDelay ("
              + staking.unbondingDelay()
              + ") must be at least voteWindow ("
              + challenges.voteWindow()
              + "): a validator that votes and unregisters must stay penalizable until the vote"
              + " ends");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * The economy parameters before staking: the staking and challenge parameters, the contribution
   * bond and the penalty threshold take their defaults ({@link StakingParameters#DEFAULTS}, {@link
   * ChallengeParameters#DEFAULTS}, {@link #DEFAULT_CONTRIBUTION_BOND}, {@link
   * #DEFAULT_PENALTY_THRESHOLD}).
   */
  public EconomyParameters(
      long maxSubmissionBytes,
      long maxContributorBytesPerDay,
      long maxDatanetBytesPerDay,
      int maxSubmissionsPerContributorPerDay,
      int platformBps,
      int ownerBps,
      int stakersBps,
      int dataBps,
      Amount platformFee,
      long challengeWindow,
      long withdrawalDelay,
      long revocationGrace) {
    this(
        maxSubmissionBytes,
        maxContributorBytesPerDay,
        maxDatanetBytesPerDay,
        maxSubmissionsPerContributorPerDay,
        platformBps,
        ownerBps,
        stakersBps,
        dataBps,
        platformFee,
        challengeWindow,
        withdrawalDelay,
        revocationGrace,
        StakingParameters.DEFAULTS,
        ChallengeParameters.DEFAULTS,
        DEFAULT_CONTRIBUTION_BOND,
        DEFAULT_PENALTY_THRESHOLD);
  }

  /** The UTC day of a block timestamp (seconds since the epoch). */
  public static long day(long timestamp) {
    return Math.floorDiv(timestamp, SECONDS_PER_DAY);
  }

  private static void positive(List<String> problems, String name, long value) {
    if (value <= 0) {
      problems.add(name + " must be greater than 0, got " + value);
    }
  }

  private static void bps(List<String> problems, String name, int value) {
    if (value < 0 || value > TOTAL_BPS) {
      problems.add(name + " must be between 0 and " + TOTAL_BPS + ", got " + value);
    }
  }

  /** What the inference module reads of these parameters. */
  public InferenceParameters inference() {
    return new InferenceParameters(
        challengeWindow,
        withdrawalDelay,
        revocationGrace,
        new FeeShares(platformBps, ownerBps, stakersBps, dataBps),
        platformFee);
  }
}
