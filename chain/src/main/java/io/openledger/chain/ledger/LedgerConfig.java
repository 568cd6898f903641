package io.openledger.chain.ledger;

import io.openledger.chain.mempool.MempoolConfig;
import io.openledger.chain.sequencer.SequencerConfig;

/**
 * How a node runs its ledger (chain rules come from the genesis, not from here).
 *
 * @param syncWrites fsync each block and each admitted transaction before acknowledging it (true in
 *     production: a receipt or hash a client saw survives power loss; tests may turn it off)
 * @param listenerThreads 0: subscription listeners run on the sequencer thread after the commit
 */
public record LedgerConfig(
    SequencerConfig sequencer, MempoolConfig mempool, boolean syncWrites, int listenerThreads) {

  public static final LedgerConfig DEFAULT =
      new LedgerConfig(SequencerConfig.DEFAULT, MempoolConfig.DEFAULT, true, 1);

  /** Blocks only when {@link Ledger#produceBlock()} is called: deterministic tests. */
  public static LedgerConfig onDemand() {
    return new LedgerConfig(SequencerConfig.onDemand(), MempoolConfig.DEFAULT, true, 1);
  }

  public LedgerConfig withSequencer(SequencerConfig s) {
    return new LedgerConfig(s, mempool, syncWrites, listenerThreads);
  }

  public LedgerConfig withMempool(MempoolConfig m) {
    return new LedgerConfig(sequencer, m, syncWrites, listenerThreads);
  }

  public LedgerConfig withSyncWrites(boolean sync) {
    return new LedgerConfig(sequencer, mempool, sync, listenerThreads);
  }
}
