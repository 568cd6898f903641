package io.openledger.chain.ledger;

import io.openledger.chain.bridge.DepositFeed;
import io.openledger.chain.mempool.MempoolConfig;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.state.StateRetention;

/**
 * How a node runs its ledger (chain rules come from the genesis, not from here).
 *
 * @param syncWrites fsync each block before any of its receipts becomes visible (true in
 *     production: a receipt a client saw survives power loss; tests may turn it off)
 * @param syncAdmissions also fsync each admitted transaction before its hash is returned. Off by
 *     default: an admission is written to RocksDB's log before the hash is returned, so it survives
 *     a crash or kill of the node process, but not a power loss (as in geth, whose pool journal is
 *     not synced at all); on, concurrent admissions share one fsync, and a client that sends one
 *     transaction at a time waits for a disk flush each time
 * @param stateRetention how many block versions of state stay readable: {@link
 *     StateRetention#ARCHIVE} here (every one, what tests and tools expect); the {@code node}
 *     command keeps the last {@value StateRetention#DEFAULT_KEEP} unless told {@code --archive}
 * @param deposits the final L1 deposits the sequencer credits first in each block ({@link
 *     DepositFeed#NONE} without an L1)
 */
public record LedgerConfig(
    SequencerConfig sequencer,
    MempoolConfig mempool,
    boolean syncWrites,
    boolean syncAdmissions,
    StateRetention stateRetention,
    DepositFeed deposits) {

  /** Deposits credited in one block at most (forced inclusion, bounded per block). */
  public static final int MAX_DEPOSITS_PER_BLOCK = 256;

  public static final LedgerConfig DEFAULT =
      new LedgerConfig(SequencerConfig.DEFAULT, MempoolConfig.DEFAULT, true, false);

  public LedgerConfig {
    java.util.Objects.requireNonNull(stateRetention, "stateRetention");
    java.util.Objects.requireNonNull(deposits, "deposits");
  }

  /** A configuration without an L1 (no deposits). */
  public LedgerConfig(
      SequencerConfig sequencer,
      MempoolConfig mempool,
      boolean syncWrites,
      boolean syncAdmissions,
      StateRetention stateRetention) {
    this(sequencer, mempool, syncWrites, syncAdmissions, stateRetention, DepositFeed.NONE);
  }

  /** An archive node's configuration. */
  public LedgerConfig(
      SequencerConfig sequencer,
      MempoolConfig mempool,
      boolean syncWrites,
      boolean syncAdmissions) {
    this(sequencer, mempool, syncWrites, syncAdmissions, StateRetention.ARCHIVE);
  }

  /** Blocks only when {@link Ledger#produceBlock()} is called: deterministic tests. */
  public static LedgerConfig onDemand() {
    return DEFAULT.withSequencer(SequencerConfig.onDemand());
  }

  public LedgerConfig withSequencer(SequencerConfig s) {
    return new LedgerConfig(s, mempool, syncWrites, syncAdmissions, stateRetention, deposits);
  }

  public LedgerConfig withMempool(MempoolConfig m) {
    return new LedgerConfig(sequencer, m, syncWrites, syncAdmissions, stateRetention, deposits);
  }

  public LedgerConfig withSyncWrites(boolean sync) {
    return new LedgerConfig(sequencer, mempool, sync, syncAdmissions, stateRetention, deposits);
  }

  public LedgerConfig withSyncAdmissions(boolean sync) {
    return new LedgerConfig(sequencer, mempool, syncWrites, sync, stateRetention, deposits);
  }

  public LedgerConfig withStateRetention(StateRetention r) {
    return new LedgerConfig(sequencer, mempool, syncWrites, syncAdmissions, r, deposits);
  }

  /** This config with the L1 deposits of {@code feed} credited by the sequencer. */
  public LedgerConfig withDeposits(DepositFeed feed) {
    return new LedgerConfig(sequencer, mempool, syncWrites, syncAdmissions, stateRetention, feed);
  }
}
