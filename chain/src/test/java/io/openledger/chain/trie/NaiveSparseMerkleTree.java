package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.bouncycastle.jcajce.provider.digest.Keccak;

/**
 * Independent reference for the known-answer tests, written from docs/state-commitment.md alone:
 * recursion over all 256 levels of a sorted key list, keys read as 256-bit integers (bit 0 of the
 * path = the integer's most significant bit), nothing cached.
 */
final class NaiveSparseMerkleTree {
  private NaiveSparseMerkleTree() {}

  static Hash root(SortedMap<Hash, byte[]> entries) {
    List<Map.Entry<Hash, byte[]>> list = new ArrayList<>(entries.entrySet());
    return node(list, 0);
  }

  private static Hash node(List<Map.Entry<Hash, byte[]>> entries, int depth) {
    if (entries.isEmpty()) {
      return Hash.ZERO;
    }
    if (entries.size() == 1) {
      Map.Entry<Hash, byte[]> e = entries.get(0);
      return keccak(new byte[] {0x00}, e.getKey().toArray(), keccak(e.getValue()).toArray());
    }
    if (depth == 256) {
      throw new IllegalStateException("two entries with the same key");
    }
    List<Map.Entry<Hash, byte[]>> left = new ArrayList<>();
    List<Map.Entry<Hash, byte[]>> right = new ArrayList<>();
    for (Map.Entry<Hash, byte[]> e : entries) {
      (pathBit(e.getKey(), depth) ? right : left).add(e);
    }
    return keccak(
        new byte[] {0x01}, node(left, depth + 1).toArray(), node(right, depth + 1).toArray());
  }

  static boolean pathBit(Hash key, int depth) {
    return new BigInteger(1, key.toArray()).testBit(255 - depth);
  }

  static Hash keccak(byte[]... parts) {
    Keccak.Digest256 d = new Keccak.Digest256();
    for (byte[] p : parts) {
      d.update(p);
    }
    return Hash.wrap(d.digest());
  }
}
