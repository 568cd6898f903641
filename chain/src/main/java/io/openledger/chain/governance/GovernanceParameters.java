package io.openledger.chain.governance;

import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The governance module's parameters (docs/governance.md, "Parameters"), from the genesis file's
 * {@code governance} section. Times are seconds of block timestamps.
 *
 * @param votingDelay seconds from a proposal to its snapshot; voting opens after the snapshot
 * @param votingPeriod seconds from the snapshot to the deadline, the last second one may vote
 * @param proposalThreshold votes a proposer needs one second before proposing, base units
 * @param quorumBps share of all OPEN locked for voting at the snapshot that must vote for or
 *     abstain, basis points
 * @param timelockDelay seconds between queueing a succeeded proposal and executing it
 * @param gracePeriod seconds after the end of the timelock during which it may be executed; then it
 *     is expired
 */
public record GovernanceParameters(
    long votingDelay,
    long votingPeriod,
    Amount proposalThreshold,
    int quorumBps,
    long timelockDelay,
    long gracePeriod) {

  /** Testnet and mainnet: 1 day delay, 7 days of voting, 10,000 OPEN, 5%, 2 days, 14 days. */
  public static final GovernanceParameters DEFAULTS =
      new GovernanceParameters(86_400, 604_800, Amount.open(10_000), 500, 172_800, 1_209_600);

  /** The devnet: 2 s delay, 20 s of voting, a 5 s timelock, 60 s to execute. */
  public static final GovernanceParameters DEVNET =
      new GovernanceParameters(2, 20, Amount.open(10_000), 500, 5, 60);

  /**
   * @throws IllegalArgumentException naming every parameter out of range
   */
  public GovernanceParameters {
    Objects.requireNonNull(proposalThreshold, "proposalThreshold");
    List<String> problems = new ArrayList<>();
    if (votingDelay <= 0) {
      problems.add("votingDelay must be greater than 0, got " + votingDelay);
    }
    if (votingPeriod <= 0) {
      problems.add("votingPeriod must be greater than 0, got " + votingPeriod);
    }
    if (quorumBps <= 0 || quorumBps > 10_000) {
      problems.add("quorumBps must be between 1 and 10000, got " + quorumBps);
    }
    if (timelockDelay <= 0) {
      problems.add("timelockDelay must be greater than 0, got " + timelockDelay);
    }
    if (gracePeriod <= 0) {
      problems.add("gracePeriod must be greater than 0, got " + gracePeriod);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }
}
