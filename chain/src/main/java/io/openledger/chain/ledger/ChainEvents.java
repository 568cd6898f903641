package io.openledger.chain.ledger;

import io.openledger.chain.types.Hash;
import java.util.function.Consumer;

/**
 * Listeners for what happens to the chain: new blocks, their logs, transactions entering the pool.
 * Every listener runs on one listener thread, in block order; a slow listener delays only
 * listeners, never the sequencer, and one that throws is logged and kept.
 */
public interface ChainEvents {

  /**
   * Calls {@code listener} with each new block after it is committed ({@code eth_subscribe
   * newHeads}).
   */
  Subscription onNewHead(Consumer<BlockView> listener);

  /** Calls {@code listener} with each new log matching the filter's addresses and topics. */
  Subscription onLogs(LogFilter filter, Consumer<LogView> listener);

  /**
   * Calls {@code listener} with the hash of each transaction admitted to the pool, once it is
   * durable ({@code eth_subscribe newPendingTransactions}).
   */
  Subscription onPendingTransaction(Consumer<Hash> listener);
}
