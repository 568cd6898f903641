package io.openledger.chain.ledger;

import io.openledger.chain.types.Hash;

/**
 * What {@link TransactionIntake#submit} answers: the transaction is durably in the pool (its hash
 * is the receipt for the client), or it was refused and nothing changed.
 */
public sealed interface SubmitResult {
  /** Admitted and persisted (survives a crash); the hash is keccak-256 of the raw bytes. */
  record Accepted(Hash txHash) implements SubmitResult {}

  /**
   * Refused; {@code message} is the text Ethereum clients expect, unchanged ({@code nonce too low},
   * {@code insufficient funds for gas * price + value}, {@code max fee per gas less than block base
   * fee}, {@code replacement transaction underpriced}, {@code already known}, {@code txpool is
   * full}, {@code account limit exceeded}, {@code invalid sender}, {@code invalid chain id}, an RLP
   * decoding error, ...). JSON-RPC answers it with code -32000, as geth does.
   */
  record Rejected(String message) implements SubmitResult {}

  static SubmitResult accepted(Hash txHash) {
    return new Accepted(txHash);
  }

  static SubmitResult rejected(String message) {
    return new Rejected(message);
  }
}
