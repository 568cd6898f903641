package io.openledger.chain.trie;

import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The simple {@link SparseMerkleTree}: entries in a sorted map, hashes recomputed from them on
 * demand (O(n) per root, O(n) per proof). For tests and tools; the node uses {@link
 * StoredSparseMerkleTree}. Gives the same roots and proofs as the stored tree.
 */
public final class InMemorySparseMerkleTree implements SparseMerkleTree {
  private final TreeMap<Hash, byte[]> entries = new TreeMap<>();
  private Hash root = TreeHashing.EMPTY; // null when entries changed since it was computed

  @Override
  public Optional<byte[]> get(Hash key) {
    return Optional.ofNullable(entries.get(key));
  }

  @Override
  public void put(Hash key, byte[] value) {
    entries.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    root = null;
  }

  @Override
  public void remove(Hash key) {
    if (entries.remove(key) != null) {
      root = null;
    }
  }

  /** Number of entries. */
  public int size() {
    return entries.size();
  }

  @Override
  public Hash rootHash() {
    if (root == null) {
      List<Map.Entry<Hash, byte[]>> sorted = new ArrayList<>(entries.entrySet());
      root = subtreeHash(sorted, 0, 0, sorted.size());
    }
    return root;
  }

  @Override
  public SparseMerkleProof proof(Hash key) {
    List<Map.Entry<Hash, byte[]>> sorted = new ArrayList<>(entries.entrySet());
    List<Hash> siblings = new ArrayList<>();
    int from = 0;
    int to = sorted.size();
    int depth = 0;
    while (to - from > 1) {
      int mid = split(sorted, depth, from, to);
      if (key.bit(depth)) {
        siblings.add(subtreeHash(sorted, depth + 1, from, mid));
        from = mid;
      } else {
        siblings.add(subtreeHash(sorted, depth + 1, mid, to));
        to = mid;
      }
      depth++;
    }
    Optional<SparseMerkleProof.Leaf> leaf =
        to - from == 1
            ? Optional.of(
                new SparseMerkleProof.Leaf(
                    sorted.get(from).getKey(), TreeHashing.valueHash(sorted.get(from).getValue())))
            : Optional.empty();
    return new SparseMerkleProof(leaf, siblings);
  }

  /** Nothing to write: the nodes are not kept. Returns {@link #rootHash()}. */
  @Override
  public Hash commit(WriteBatch batch) {
    return rootHash();
  }

  private static Hash subtreeHash(
      List<Map.Entry<Hash, byte[]>> sorted, int depth, int from, int to) {
    if (from == to) {
      return TreeHashing.EMPTY;
    }
    if (to - from == 1) {
      Map.Entry<Hash, byte[]> e = sorted.get(from);
      return TreeHashing.leafHash(e.getKey(), TreeHashing.valueHash(e.getValue()));
    }
    int mid = split(sorted, depth, from, to);
    return TreeHashing.internalHash(
        subtreeHash(sorted, depth + 1, from, mid), subtreeHash(sorted, depth + 1, mid, to));
  }

  private static int split(List<Map.Entry<Hash, byte[]>> sorted, int depth, int from, int to) {
    int i = from;
    while (i < to && !sorted.get(i).getKey().bit(depth)) {
      i++;
    }
    return i;
  }
}
