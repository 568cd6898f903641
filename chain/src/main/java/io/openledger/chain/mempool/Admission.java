package io.openledger.chain.mempool;

import io.openledger.chain.tx.Transaction;
import java.util.List;

/** What {@link Mempool#add} did with a transaction. */
public sealed interface Admission {
  /**
   * In the pool.
   *
   * @param removed transactions it displaced (a replaced one of the same nonce, the cheapest one
   *     evicted from a full pool, stale ones below the sender's nonce): delete them from storage
   * @param executable whether it can go into the next block (no nonce gap before it)
   */
  record Added(Transaction tx, List<Transaction> removed, boolean executable)
      implements Admission {}

  /** Refused, with the message Ethereum clients expect; the pool did not change. */
  record Refused(String message) implements Admission {}
}
