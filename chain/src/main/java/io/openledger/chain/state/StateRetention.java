package io.openledger.chain.state;

/**
 * How many block versions of state a node keeps readable. Blocks, receipts and logs are always
 * kept; this is only about the state tree ({@code eth_call}, {@code eth_getBalance}, {@code
 * eth_getProof}, {@code eth_getStorageAt} at a block).
 */
public sealed interface StateRetention {
  /** Every version stays readable; the store grows with every block. */
  record Archive() implements StateRetention {}

  /**
   * The state of the last {@code blocks} blocks (the head included, at least 2) stays readable;
   * tree nodes that none of them references are deleted as blocks commit.
   */
  record KeepLast(long blocks) implements StateRetention {
    public KeepLast {
      if (blocks < 2) {
        throw new IllegalArgumentException(
            "the number of block states to keep must be at least 2 (the head's and its parent's,"
                + " which readers may still be on while a block commits), got "
                + blocks);
      }
    }
  }

  StateRetention ARCHIVE = new Archive();

  /** geth's default: the state of the last 128 blocks. */
  long DEFAULT_KEEP = 128;

  static StateRetention keepLast(long blocks) {
    return new KeepLast(blocks);
  }

  /** A short description for logs and messages: "archive" or "the last 128 blocks". */
  default String describe() {
    return switch (this) {
      case Archive a -> "archive (every block's state)";
      case KeepLast k -> "the state of the last " + k.blocks() + " blocks";
    };
  }
}
