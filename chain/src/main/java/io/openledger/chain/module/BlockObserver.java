package io.openledger.chain.module;

import io.openledger.chain.block.Receipt;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.state.WorldState;
import java.util.List;

/**
 * A module that records something from what a block's transactions emitted, after the last
 * transaction and before the state root is computed (the points module reads the other modules'
 * events this way, so they need not call it). It runs in block production and replay alike and must
 * be as deterministic as a module call; it is charged no gas (its work is bounded by the logs,
 * which were charged), emits no logs and must not fail.
 */
public interface BlockObserver {

  /**
   * @param state the state after the block's transactions; writes land in the block's state root
   * @param env the block
   * @param receipts the block's receipts in order (failed transactions have no logs)
   */
  void afterTransactions(WorldState state, BlockEnvironment env, List<Receipt> receipts);
}
