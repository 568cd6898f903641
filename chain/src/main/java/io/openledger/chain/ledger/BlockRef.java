package io.openledger.chain.ledger;

import io.openledger.chain.types.Hash;
import java.util.Locale;

/**
 * Which block a query is about: a number, a hash, or one of JSON-RPC's tags. A single-sequencer L2
 * without L1 settlement yet has no reorgs, so {@code safe} and {@code finalized} name the head;
 * {@code pending} names the block being built (head + 1) for block and state reads, and the mempool
 * for nonces.
 */
public sealed interface BlockRef {
  /** A block by its number (0 is genesis). */
  record Number(long number) implements BlockRef {
    public Number {
      if (number < 0) {
        throw new IllegalArgumentException("block number must not be negative: " + number);
      }
    }
  }

  /** A block by its hash (EIP-1898 {@code {"blockHash": ...}}). */
  record ByHash(Hash hash) implements BlockRef {}

  /** A JSON-RPC block tag. */
  record Named(Tag tag) implements BlockRef {}

  /** The tags Ethereum's JSON-RPC defines. */
  enum Tag {
    LATEST,
    PENDING,
    EARLIEST,
    SAFE,
    FINALIZED
  }

  BlockRef LATEST = new Named(Tag.LATEST);
  BlockRef PENDING = new Named(Tag.PENDING);
  BlockRef EARLIEST = new Named(Tag.EARLIEST);

  static BlockRef number(long number) {
    return new Number(number);
  }

  static BlockRef hash(Hash hash) {
    return new ByHash(hash);
  }

  /**
   * Parses a JSON-RPC block parameter: a tag ({@code latest}, {@code pending}, {@code earliest},
   * {@code safe}, {@code finalized}) or a hex quantity ({@code 0x1b4}).
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  static BlockRef parse(String text) {
    if (text == null) {
      return LATEST;
    }
    switch (text.toLowerCase(Locale.ROOT)) {
      case "latest":
        return LATEST;
      case "pending":
        return PENDING;
      case "earliest":
        return EARLIEST;
      case "safe":
        return new Named(Tag.SAFE);
      case "finalized":
        return new Named(Tag.FINALIZED);
      default:
        break;
    }
    if (!text.startsWith("0x") || text.length() < 3 || text.length() > 18) {
      throw new IllegalArgumentException("invalid block number or tag: " + abbreviate(text));
    }
    try {
      long n = Long.parseUnsignedLong(text.substring(2), 16);
      if (n < 0) {
        throw new IllegalArgumentException("block number out of range: " + text);
      }
      return new Number(n);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid block number or tag: " + abbreviate(text));
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
