package io.openledger.chain.sequencer;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.tx.Transaction;
import java.util.List;

/**
 * Deposits from L1 that are due: the sequencer puts them first in the next block, before any pooled
 * transaction (forced inclusion), and makes a block for them even when the pool is empty.
 */
@FunctionalInterface
public interface DepositSource {
  /** No deposits: a chain without an L1. */
  DepositSource NONE = parent -> List.of();

  /**
   * The deposit transactions due in the block after {@code parent}, in deposit nonce order from the
   * nonce {@code parent}'s state expects next. Must not block for long: it runs on the production
   * thread.
   */
  List<Transaction> due(BlockHeader parent);
}
