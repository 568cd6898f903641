package io.openledger.node.blob;

import io.openledger.chain.types.Hash;

/**
 * Why bytes offered to the store were refused. Nothing is kept: the partial file is deleted before
 * the refusal is returned. {@link #message()} is the text for the user, unchanged.
 */
public sealed interface PutRefusal extends PutResult, StageResult {

  /** A short machine-readable name ({@code hash_mismatch}, {@code too_large}). */
  String code();

  String message();

  /** The bytes do not hash to the address they were offered under. */
  record HashMismatch(Hash expected, Hash actual, long size) implements PutRefusal {
    @Override
    public String code() {
      return "hash_mismatch";
    }

    @Override
    public String message() {
      return "content hash mismatch: expected "
          + expected.toHex()
          + " but the "
          + size
          + " bytes received hash to "
          + actual.toHex();
    }
  }

  /** More than {@code limit} bytes arrived; reading stopped at the first byte over it. */
  record TooLarge(Hash expected, long limit) implements PutRefusal {
    @Override
    public String code() {
      return "too_large";
    }

    @Override
    public String message() {
      return "blob " + expected.toHex() + " is larger than the limit of " + limit + " bytes";
    }
  }
}
