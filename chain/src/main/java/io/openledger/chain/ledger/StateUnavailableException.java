package io.openledger.chain.ledger;

/**
 * The state of a block that exists is no longer stored: the node prunes old states. JSON-RPC
 * answers it with code -32000 and this message, as geth answers {@code missing trie node}.
 */
public final class StateUnavailableException extends RuntimeException {
  private final long block;

  public StateUnavailableException(long block, String message) {
    super(message);
    this.block = block;
  }

  /** The block whose state was asked for. */
  public long block() {
    return block;
  }
}
