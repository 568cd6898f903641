package io.openledger.chain.ledger;

import io.openledger.chain.state.StatePruner;
import io.openledger.chain.state.StateRetention;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.trie.MissingNodeException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocks whose state is still whole: all of them in an archive, the last few under a pruning
 * retention. Reads of an older block's state are refused, with the words geth users know to look
 * for.
 */
final class StateWindow {
  private static final Logger LOG = LoggerFactory.getLogger(StateWindow.class);

  private final KeyValueStore store;
  private final StateRetention retention;

  /** Oldest block whose state is whole; older ones were pruned. */
  private volatile long from;

  /**
   * An archive run forgets the deletions a pruning run left pending (it keeps no revival marks, so
   * a later pruning run could otherwise delete a node it created again); states already pruned stay
   * unavailable.
   */
  StateWindow(KeyValueStore store, StateRetention retention) {
    this.store = store;
    this.retention = retention;
    if (retention instanceof StateRetention.Archive) {
      int dropped = StatePruner.abandonPending(store);
      if (dropped > 0) {
        LOG.info("archive mode: dropped {} pending pruning journals", dropped);
      }
    }
    from = StatePruner.firstAvailable(store);
    if (from > 0) {
      LOG.info("state is kept from block {} on ({})", from, retention.describe());
    }
  }

  /** After a block is committed: the pruner may have moved the window. */
  void afterBlock() {
    if (retention instanceof StateRetention.KeepLast) {
      from = StatePruner.firstAvailable(store);
    }
  }

  /** Refuses a block whose state was pruned. */
  void require(long number) {
    long first = from;
    if (number >= first) {
      return;
    }
    String kept =
        switch (retention) {
          case StateRetention.KeepLast k ->
              "this node keeps the state of the last "
                  + k.blocks()
                  + " blocks, from block "
                  + first
                  + "; run the node with --archive to keep all";
          case StateRetention.Archive a ->
              "this node's state starts at block " + first + ", pruned before it ran as an archive";
        };
    throw new StateUnavailableException(
        number, "state not available: block " + number + " was pruned (" + kept + ")");
  }

  /**
   * Runs a read at block {@code number}'s state. The pruner may delete that state while the read
   * walks it (the block left the kept window meanwhile): then the read fails as pruned, not as a
   * corrupt store.
   */
  <T> T reading(long number, Supplier<T> read) {
    try {
      return read.get();
    } catch (MissingNodeException e) {
      from = Math.max(from, StatePruner.firstAvailable(store));
      require(number);
      throw e;
    }
  }
}
