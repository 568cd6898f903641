package io.openledger.chain.block;

import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;

/**
 * The commitment to an ordered list (a block's transactions, its receipts): a binary Merkle tree
 * shaped as in RFC 6962 (Certificate Transparency), over keccak256.
 *
 * <ul>
 *   <li>item hash {@code h_i = keccak256(encoding_i)} (for a transaction: its hash);
 *   <li>leaf {@code = keccak256(0x00 || h_i)}; inner node {@code = keccak256(0x01 || left ||
 *       right)}; the prefixes keep a leaf from passing for an inner node;
 *   <li>for n > 1 items the left subtree holds the first k items, k the largest power of two below
 *       n, the right subtree the rest; for one item the root is its leaf;
 *   <li>the root of no items is {@code keccak256("")} ({@code 0xc5d2...a470}).
 * </ul>
 *
 * <p>This is not Ethereum's Patricia-trie root (nothing outside the node recomputes it), and it is
 * separate from the state commitment. {@link #proof} and {@link #verify} give inclusion proofs.
 */
public final class OrderedMerkleRoot {
  public static final Hash EMPTY = Hash.keccak256(new byte[0]);

  private OrderedMerkleRoot() {}

  /** The root over the item hashes, in order. */
  public static Hash of(List<Hash> itemHashes) {
    if (itemHashes.isEmpty()) {
      return EMPTY;
    }
    List<Hash> leaves = new ArrayList<>(itemHashes.size());
    for (Hash h : itemHashes) {
      leaves.add(leaf(h));
    }
    return subtree(leaves, 0, leaves.size());
  }

  /** The root over encoded items: each is hashed with keccak256 first. */
  public static Hash ofEncoded(List<byte[]> encodedItems) {
    List<Hash> hashes = new ArrayList<>(encodedItems.size());
    for (byte[] e : encodedItems) {
      hashes.add(Hash.keccak256(e));
    }
    return of(hashes);
  }

  /** The sibling hashes from leaf {@code index} up to the root, bottom first. */
  public static List<Hash> proof(List<Hash> itemHashes, int index) {
    if (index < 0 || index >= itemHashes.size()) {
      throw new IndexOutOfBoundsException("no item " + index + " among " + itemHashes.size());
    }
    List<Hash> leaves = new ArrayList<>(itemHashes.size());
    for (Hash h : itemHashes) {
      leaves.add(leaf(h));
    }
    List<Hash> path = new ArrayList<>();
    collectPath(leaves, 0, leaves.size(), index, path);
    return path;
  }

  /** Whether {@code itemHash} is item {@code index} of {@code size} under {@code root}. */
  public static boolean verify(Hash root, Hash itemHash, int index, int size, List<Hash> proof) {
    if (index < 0 || index >= size) {
      return false;
    }
    int[] used = {0};
    Hash computed = climb(leaf(itemHash), index, 0, size, proof, used);
    return computed != null && used[0] == proof.size() && computed.equals(root);
  }

  private static Hash climb(Hash leaf, int index, int from, int to, List<Hash> proof, int[] used) {
    if (to - from == 1) {
      return leaf;
    }
    int k = from + splitPoint(to - from);
    Hash below =
        index < k
            ? climb(leaf, index, from, k, proof, used)
            : climb(leaf, index, k, to, proof, used);
    if (below == null || used[0] >= proof.size()) {
      return null;
    }
    Hash sibling = proof.get(used[0]++);
    return index < k ? node(below, sibling) : node(sibling, below);
  }

  private static void collectPath(List<Hash> leaves, int from, int to, int index, List<Hash> out) {
    if (to - from == 1) {
      return;
    }
    int k = from + splitPoint(to - from);
    if (index < k) {
      collectPath(leaves, from, k, index, out);
      out.add(subtree(leaves, k, to));
    } else {
      collectPath(leaves, k, to, index, out);
      out.add(subtree(leaves, from, k));
    }
  }

  private static Hash subtree(List<Hash> leaves, int from, int to) {
    if (to - from == 1) {
      return leaves.get(from);
    }
    int k = from + splitPoint(to - from);
    return node(subtree(leaves, from, k), subtree(leaves, k, to));
  }

  /** The largest power of two strictly below n (n >= 2). */
  private static int splitPoint(int n) {
    return Integer.highestOneBit(n - 1);
  }

  private static Hash leaf(Hash itemHash) {
    return Hash.keccak256(new byte[] {0}, itemHash.toArray());
  }

  private static Hash node(Hash left, Hash right) {
    return Hash.keccak256(new byte[] {1}, left.toArray(), right.toArray());
  }
}
