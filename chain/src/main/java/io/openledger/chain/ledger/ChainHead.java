package io.openledger.chain.ledger;

import io.openledger.chain.store.ChainStore;
import java.util.Optional;

/**
 * The latest committed block, which every service reads and only the ledger moves (after each
 * committed block), and the blocks a {@link BlockRef} names at or below it.
 */
final class ChainHead {
  private volatile StoredHeader head;

  ChainHead(StoredHeader head) {
    this.head = head;
  }

  StoredHeader current() {
    return head;
  }

  void advance(StoredHeader next) {
    head = next;
  }

  /**
   * The header a ref names, if it exists at or below the head ({@code pending} names the head here:
   * callers that build the pending block check for it first).
   */
  Optional<StoredHeader> resolve(BlockRef ref, ChainStore c) {
    StoredHeader h = head;
    return switch (ref) {
      case BlockRef.Named n ->
          n.tag() == BlockRef.Tag.EARLIEST ? byNumber(0, h, c) : Optional.of(h);
      case BlockRef.Number n -> byNumber(n.number(), h, c);
      case BlockRef.ByHash b ->
          c.header(b.hash())
              .filter(x -> x.number() <= h.header().number())
              .map(x -> new StoredHeader(x, b.hash()));
    };
  }

  private static Optional<StoredHeader> byNumber(long number, StoredHeader h, ChainStore c) {
    if (number > h.header().number()) {
      return Optional.empty();
    }
    if (number == h.header().number()) {
      return Optional.of(h);
    }
    return c.hashByNumber(number)
        .flatMap(hash -> c.header(hash).map(x -> new StoredHeader(x, hash)));
  }

  static boolean isPending(BlockRef ref) {
    return ref instanceof BlockRef.Named n && n.tag() == BlockRef.Tag.PENDING;
  }
}
