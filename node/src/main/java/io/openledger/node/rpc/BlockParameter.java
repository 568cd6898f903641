package io.openledger.node.rpc;

import io.openledger.chain.types.Hash;

/**
 * Which block a read refers to: a tag, a number, or (EIP-1898) a hash. With one sequencer and no L1
 * finality yet, {@code safe} and {@code finalized} resolve to the latest block, and {@code pending}
 * reads the latest state except where a method says otherwise (the pending nonce).
 */
public sealed interface BlockParameter {
  BlockParameter LATEST = new Tagged(Tag.LATEST);

  enum Tag {
    EARLIEST,
    LATEST,
    PENDING,
    SAFE,
    FINALIZED
  }

  record Tagged(Tag tag) implements BlockParameter {}

  record Number(long number) implements BlockParameter {
    public Number {
      if (number < 0) {
        throw new IllegalArgumentException("block number must not be negative");
      }
    }
  }

  record ByHash(Hash hash, boolean requireCanonical) implements BlockParameter {}

  /** The block number this parameter names, given the current head; null for {@link ByHash}. */
  default Long resolveNumber(long head) {
    return switch (this) {
      case Tagged t -> t.tag() == Tag.EARLIEST ? 0L : head;
      case Number n -> n.number();
      case ByHash h -> null;
    };
  }

  default boolean isPending() {
    return this instanceof Tagged(Tag tag) && tag == Tag.PENDING;
  }
}
