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
 * @param challengerBps share of what is slashed that goes to the challenger; the rest to the
 *     treasury
 * @param voteWindow seconds validators have to vote on a harmful-output challenge
 * @param quorumBps share of all validator stake that must vote for a vote to count
 * @param majorityBps share of the voting stake that must say "upheld" for the challenge to be
 *     upheld
 * @param validatorMinimumStake the least stake a validator registers with, base units
 * @param validatorPenaltyBps share of its stake a validator loses for voting against the outcome
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
    int validatorPenaltyBps) {

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
          100);

  /** The devnet: the defaults with a 30-second vote and smaller stakes. */
  public static final ChallengeParameters DEVNET =
      new ChallengeParameters(
          Amount.open(10), 1_000, 500, 2_000, 5_000, 30, 3_334, 5_001, Amount.open(1_000), 100);

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
    slashRate(problems, "validatorPenaltyBps", validatorPenaltyBps);
    share(problems, "challengerBps", challengerBps, 0);
    share(problems, "voteQuorumBps", quorumBps, 1);
    share(problems, "voteMajorityBps", majorityBps, 1);
    if (voteWindow <= 0) {
      problems.add("voteWindow must be greater than 0, got " + voteWindow);
    }
    if (validatorMinimumStake.isZero()) {
      problems.add("validatorMinimumStake must be greater than 0");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
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
