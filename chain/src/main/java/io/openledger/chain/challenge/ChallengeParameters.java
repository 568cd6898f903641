package io.openledger.chain.challenge;

import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The protocol parameters of the challenge module (docs/staking.md, "Parameters"), from the genesis
 * file's {@code economy} section.
 *
 * @param minimumBond the least bond a challenge posts, base units
 * @param attributionSlashBps share of the operator's pool slashed for a wrong attribution
 * @param tokenCountSlashBps share slashed for a wrong token count or an overcharge
 * @param harmfulOutputSlashBps share slashed for a harmful or wrong output (by vote)
 * @param challengerBps share of what is slashed that goes to the challenger
 * @param voteWindow seconds validators have to vote on a harmful-output or adversarial-data
 *     challenge
 * @param quorumBps share of all validator stake that must vote for a vote to count
 * @param majorityBps share of the voting stake that must say "upheld" for the challenge to be
 *     upheld
 * @param validatorMinimumStake the least stake a validator registers with, base units
 * @param validatorPenaltyBps share of its stake a validator loses for voting against the outcome,
 *     or for missing {@code validatorMissLimit} votes in a row
 * @param fabricatedUsageSlashBps share slashed for a record its payer never signed
 * @param unavailabilitySlashBps share slashed for a paid request never answered
 * @param harmedPayerBps share of what is slashed refunded to the harmed payer (kinds 2 to 5; kind 1
 *     harms contributors, paid back by the batch's correction, so its share goes to the treasury)
 * @param answerWindow seconds an operator has to answer an unavailability challenge
 * @param maxValidators most validators registered at once (bounds every loop over them)
 * @param validatorMissLimit votes in a row a validator may miss before an inactivity penalty
 */
public record ChallengeParameters(
    Amount minimumBond,
    int attributionSlashBps,
    int tokenCountSlashBps,
    int harmfulOutputSlashBps,
    int challengerBps,
    long voteWindow,
    int quorumBps,
    int majorityBps,
    Amount validatorMinimumStake,
    int validatorPenaltyBps,
    int fabricatedUsageSlashBps,
    int unavailabilitySlashBps,
    int harmedPayerBps,
    long answerWindow,
    int maxValidators,
    int validatorMissLimit) {

  /** The most {@code maxValidators} may say: a resolution loops over every validator. */
  public static final int MAX_VALIDATORS_LIMIT = 1_000;

  /** Testnet and mainnet. */
  public static final ChallengeParameters DEFAULTS =
      new ChallengeParameters(
          Amount.open(100),
          1_000,
          500,
          2_000,
          5_000,
          259_200,
          3_334,
          5_001,
          Amount.open(10_000),
          100,
          2_000,
          500,
          2_500,
          86_400,
          100,
          3);

  /** The devnet: the defaults with a 30-second vote and answer window and smaller stakes. */
  public static final ChallengeParameters DEVNET =
      new ChallengeParameters(
          Amount.open(10),
          1_000,
          500,
          2_000,
          5_000,
          30,
          3_334,
          5_001,
          Amount.open(1_000),
          100,
          2_000,
          500,
          2_500,
          30,
          100,
          3);

  /**
   * @throws IllegalArgumentException naming every parameter out of range
   */
  public ChallengeParameters {
    Objects.requireNonNull(minimumBond, "minimumBond");
    Objects.requireNonNull(validatorMinimumStake, "validatorMinimumStake");
    List<String> problems = new ArrayList<>();
    if (minimumBond.isZero()) {
      problems.add("challengeBond must be greater than 0");
    }
    slashRate(problems, "attributionSlashBps", attributionSlashBps);
    slashRate(problems, "tokenCountSlashBps", tokenCountSlashBps);
    slashRate(problems, "harmfulOutputSlashBps", harmfulOutputSlashBps);
    slashRate(problems, "fabricatedUsageSlashBps", fabricatedUsageSlashBps);
    slashRate(problems, "unavailabilitySlashBps", unavailabilitySlashBps);
    slashRate(problems, "validatorPenaltyBps", validatorPenaltyBps);
    share(problems, "challengerBps", challengerBps, 0);
    share(problems, "harmedPayerBps", harmedPayerBps, 0);
    if ((long) challengerBps + harmedPayerBps > 10_000) {
      problems.add(
          "challengerBps + harmedPayerBps must be at most 10000, got "
              + ((long) challengerBps + harmedPayerBps));
    }
    share(problems, "voteQuorumBps", quorumBps, 1);
    share(problems, "voteMajorityBps", majorityBps, 1);
    if (voteWindow <= 0) {
      problems.add("voteWindow must be greater than 0, got " + voteWindow);
    }
    if (answerWindow <= 0) {
      problems.add("answerWindow must be greater than 0, got " + answerWindow);
    }
    if (validatorMinimumStake.isZero()) {
      problems.add("validatorMinimumStake must be greater than 0");
    }
    if (maxValidators < 1 || maxValidators > MAX_VALIDATORS_LIMIT) {
      problems.add(
          "maxValidators must be between 1 and " + MAX_VALIDATORS_LIMIT + ", got " + maxValidators);
    }
    if (validatorMissLimit < 1) {
      problems.add("validatorMissLimit must be at least 1, got " + validatorMissLimit);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The slash rate of a fault; {@link ChallengeKind#ADVERSARIAL_DATA} slashes no pool. */
  public int slashBps(ChallengeKind kind) {
    return switch (kind) {
      case WRONG_ATTRIBUTION -> attributionSlashBps;
      case WRONG_TOKEN_COUNT -> tokenCountSlashBps;
      case HARMFUL_OUTPUT -> harmfulOutputSlashBps;
      case UNAVAILABILITY -> unavailabilitySlashBps;
      case FABRICATED_USAGE -> fabricatedUsageSlashBps;
      case ADVERSARIAL_DATA ->
          throw new IllegalArgumentException("adversarial data takes the contribution's bond");
    };
  }

  /** A slash rate: 1..9,999 bps (a pool is never cut to nothing, see ShareClass). */
  private static void slashRate(List<String> problems, String name, int bps) {
    if (bps < 1 || bps > 9_999) {
      problems.add(name + " must be between 1 and 9999, got " + bps);
    }
  }

  private static void share(List<String> problems, String name, int bps, int least) {
    if (bps < least || bps > 10_000) {
      problems.add(name + " must be between " + least + " and 10000, got " + bps);
    }
  }
}
