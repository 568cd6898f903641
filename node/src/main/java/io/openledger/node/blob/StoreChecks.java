package io.openledger.node.blob;

import io.openledger.chain.types.Hash;

/** Argument checks both stores make, worded the same. */
final class StoreChecks {
  private StoreChecks() {}

  static void limit(long maxBytes) {
    if (maxBytes < 0 || maxBytes == Long.MAX_VALUE) {
      throw new IllegalArgumentException(
          "size limit must be in [0, " + (Long.MAX_VALUE - 1) + "], got " + maxBytes);
    }
  }

  static void range(long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "range offset and length cannot be negative: offset " + offset + ", length " + length);
    }
  }

  static void offsetWithin(Hash hash, long offset, long size) {
    if (offset > size) {
      throw new IllegalArgumentException(
          "offset "
              + offset
              + " is past the end of blob "
              + hash.toHex()
              + " ("
              + size
              + " bytes)");
    }
  }
}
