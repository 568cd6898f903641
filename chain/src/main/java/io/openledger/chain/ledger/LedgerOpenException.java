package io.openledger.chain.ledger;

/**
 * The data directory cannot be opened: made for another genesis or chain id, locked by another
 * running node, or unreadable. The message says which and what to do; the CLI prints it as is.
 */
public final class LedgerOpenException extends RuntimeException {
  public LedgerOpenException(String message) {
    super(message);
  }

  public LedgerOpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
