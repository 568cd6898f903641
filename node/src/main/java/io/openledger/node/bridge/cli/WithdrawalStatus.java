package io.openledger.node.bridge.cli;

import io.openledger.l1.PortalWithdrawals;
import io.openledger.l1.PostedOutputs;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a withdrawal stands on its way to L1 (docs/settlement.md, "The bridge CLI"): initiated on
 * the L2 and waiting for an output that covers its block, provable, proven (finalizable at a time),
 * finalized.
 */
sealed interface WithdrawalStatus {
  L2Withdrawal withdrawal();

  /** The word {@code bridge status} prints first and {@code --json} gives as {@code status}. */
  String name();

  /** One line for a person. */
  String describe();

  /** No output covers the withdrawal's L2 block yet. */
  record WaitingForOutput(L2Withdrawal withdrawal, Optional<PostedOutputs.Output> latest)
      implements WithdrawalStatus {
    public String name() {
      return "waiting for output";
    }

    public String describe() {
      return "not yet provable: the next output must cover L2 block "
          + withdrawal.l2Block()
          + latest
              .map(o -> " (the latest output is of L2 block " + o.l2BlockNumber() + ")")
              .orElse(" (no output posted yet)");
    }
  }

  /** An output covers it; nobody proved it (or its proof's output was deleted). */
  record Provable(L2Withdrawal withdrawal, PostedOutputs.Output output)
      implements WithdrawalStatus {
    public String name() {
      return "provable";
    }

    public String describe() {
      return "provable against output "
          + output.index()
          + " (L2 block "
          + output.l2BlockNumber()
          + "): run openledger bridge prove";
    }
  }

  /**
   * Proven on L1 against an output that stands.
   *
   * @param finalizableAt L1 time from which it can be finalized: the later of the proof's and the
   *     output's time plus the challenge period, seconds
   * @param now the latest L1 block's time, seconds
   */
  record Proven(
      L2Withdrawal withdrawal, PortalWithdrawals.Proof proof, long finalizableAt, long now)
      implements WithdrawalStatus {
    public String name() {
      return "proven";
    }

    public boolean finalizable() {
      return now >= finalizableAt;
    }

    public String describe() {
      return "proven against output "
          + proof.outputIndex()
          + (finalizable()
              ? "; finalizable now (since " + Instant.ofEpochSecond(finalizableAt) + ")"
              : "; finalizable at "
                  + Instant.ofEpochSecond(finalizableAt)
                  + " (L1 time; "
                  + (finalizableAt - now)
                  + " s from the latest L1 block)");
    }
  }

  /** Finalized: the OPEN is on L1. */
  record Finalized(L2Withdrawal withdrawal) implements WithdrawalStatus {
    public String name() {
      return "finalized";
    }

    public String describe() {
      return "finalized: the OPEN was minted to " + withdrawal.withdrawal().target() + " on L1";
    }
  }

  /** Reads the withdrawal's standing from the Portal and the oracle. */
  static WithdrawalStatus of(L2Withdrawal w, PortalWithdrawals portal, PostedOutputs oracle) {
    if (portal.finalized(w.hash())) {
      return new Finalized(w);
    }
    Optional<PortalWithdrawals.Proof> proof = portal.proof(w.hash());
    if (proof.isPresent()) {
      PortalWithdrawals.Proof p = proof.get();
      Optional<PostedOutputs.Output> output =
          p.outputIndex() < oracle.nextOutputIndex()
              ? Optional.of(oracle.get(p.outputIndex()))
              : Optional.empty();
      if (output.isPresent() && output.get().outputRoot().equals(p.outputRoot())) {
        long period = oracle.finalizationPeriodSeconds();
        long at = Math.max(p.l1Timestamp(), output.get().l1Timestamp()) + period;
        return new Proven(w, p, at, portal.now());
      }
      // the output it was proven against was deleted: it must be proven again
    }
    // the latest output: its block's state is the newest, so a pruning L2 node still proves it
    Optional<PostedOutputs.Output> latest = oracle.latest();
    if (latest.isPresent() && latest.get().l2BlockNumber() >= w.l2Block()) {
      return new Provable(w, latest.get());
    }
    return new WaitingForOutput(w, latest);
  }
}
