package io.openledger.chain.ledger;

import java.util.List;

/**
 * Where signed transactions enter the node, and what waits in its pool for a block. Rejected input
 * changes nothing. Every method may be called from any thread.
 */
public interface TransactionIntake {

  /**
   * Decodes, verifies (signature, chain id, intrinsic gas, size) and admits a signed transaction
   * ({@code eth_sendRawTransaction}) against the pending state: nonce, balance including the
   * sender's pending spends, fee against the next block's base fee. Accepted only after the
   * transaction is written to the store's log, so it survives a crash of the node (and a power loss
   * too with {@link LedgerConfig#syncAdmissions()}). Rejected input changes nothing.
   */
  SubmitResult submit(byte[] rawTransaction);

  /**
   * {@link #submit} for many transactions at once (a JSON-RPC batch): signatures are recovered in
   * parallel and the pool is persisted with one write; results in the order given.
   */
  List<SubmitResult> submitAll(List<byte[]> rawTransactions);

  /** Pending and queued transactions, by sender then nonce. */
  List<TransactionView> pendingTransactions();

  /** The pool as {@code txpool_content} shows it: pending and queued, by sender then nonce. */
  PoolContent poolContent();

  /** How many transactions are pending (executable) and queued ({@code txpool_status}). */
  PoolStatus poolStatus();
}
