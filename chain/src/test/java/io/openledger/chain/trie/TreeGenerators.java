package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded generators of keys and values, with keys that share long path prefixes. */
final class TreeGenerators {
  private TreeGenerators() {}

  static Hash randomKey(SplittableRandom r) {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return Hash.wrap(b);
  }

  /**
   * A key equal to {@code base} on its first {@code shared} bits and different at bit {@code
   * shared} (so the two leaves separate exactly there), random after it.
   */
  static Hash keySharingPrefix(SplittableRandom r, Hash base, int shared) {
    byte[] b = base.toArray();
    byte[] tail = new byte[32];
    r.nextBytes(tail);
    for (int i = shared + 1; i < 256; i++) {
      setBit(b, i, ((tail[i >>> 3] >>> (7 - (i & 7))) & 1) == 1);
    }
    setBit(b, shared, !base.bit(shared));
    return Hash.wrap(b);
  }

  /** A new key: usually random, sometimes close to an existing key (deep paths, depth 255). */
  static Hash nextKey(SplittableRandom r, List<Hash> existing) {
    if (existing.isEmpty() || r.nextInt(3) != 0) {
      return randomKey(r);
    }
    Hash base = existing.get(r.nextInt(existing.size()));
    int shared = r.nextInt(4) == 0 ? 255 - r.nextInt(4) : r.nextInt(256);
    return keySharingPrefix(r, base, shared);
  }

  static byte[] randomValue(SplittableRandom r) {
    byte[] v = new byte[r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(80)];
    r.nextBytes(v);
    return v;
  }

  private static void setBit(byte[] b, int i, boolean on) {
    if (on) {
      b[i >>> 3] |= (byte) (0x80 >>> (i & 7));
    } else {
      b[i >>> 3] &= (byte) ~(0x80 >>> (i & 7));
    }
  }
}
