package io.openledger.chain.trie;

/**
 * A node the tree needs is not in the store (the root was never committed, or was pruned) or is
 * corrupt. Reading or updating at that root cannot proceed.
 */
public class MissingNodeException extends RuntimeException {
  public MissingNodeException(String message) {
    super(message);
  }
}
