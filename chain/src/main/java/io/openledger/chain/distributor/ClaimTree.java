package io.openledger.chain.distributor;

import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The Merkle tree of a reward distribution, built exactly as OpenZeppelin's {@code
 * StandardMerkleTree.of(values, ["address", "uint256"])} builds it (npm {@code
 * @openzeppelin/merkle-tree}), so that its root and proofs are the ones that library and {@code
 * MerkleProof.verify} agree on:
 *
 * <ul>
 *   <li>leaf = {@code keccak256(bytes.concat(keccak256(abi.encode(account, amount))))};
 *   <li>the leaves sorted by their hash (bytes ascending), then laid out as a complete binary tree
 *       in an array of {@code 2n - 1} nodes, leaf {@code i} at index {@code 2n - 2 - i}, node
 *       {@code k}'s children at {@code 2k + 1} and {@code 2k + 2};
 *   <li>an inner node = {@code keccak256} of its two children, the smaller first (sorted pairs);
 *   <li>a proof = the siblings from the leaf up to the root.
 * </ul>
 *
 * @param entries the (account, amount) list in the order given
 * @param tree the {@code 2n - 1} nodes, root at 0
 * @param leafIndex for each entry, its leaf's index in {@code tree}
 */
public record ClaimTree(List<Entry> entries, List<Hash> tree, int[] leafIndex) {

  /** One claim: {@code amount} base units for {@code account}. */
  public record Entry(Address account, Amount amount) {}

  /**
   * @throws IllegalArgumentException if {@code entries} is empty (OpenZeppelin refuses it too)
   */
  public static ClaimTree of(List<Entry> entries) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a claim tree needs at least one entry");
    }
    int n = entries.size();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Hash[] leaves = new Hash[n];
    for (int i = 0; i < n; i++) {
      leaves[i] = leaf(entries.get(i).account(), entries.get(i).amount());
    }
    order.sort(Comparator.comparing(i -> leaves[i]));
    Hash[] tree = new Hash[2 * n - 1];
    int[] leafIndex = new int[n];
    for (int sorted = 0; sorted < n; sorted++) {
      int at = tree.length - 1 - sorted;
      tree[at] = leaves[order.get(sorted)];
      leafIndex[order.get(sorted)] = at;
    }
    for (int k = tree.length - 1 - n; k >= 0; k--) {
      tree[k] = hashPair(tree[2 * k + 1], tree[2 * k + 2]);
    }
    return new ClaimTree(List.copyOf(entries), List.of(tree), leafIndex);
  }

  public Hash root() {
    return tree.getFirst();
  }

  /** The proof of entry {@code i} (in the order given): siblings from the leaf up. */
  public List<Hash> proof(int i) {
    List<Hash> out = new ArrayList<>();
    int k = leafIndex[i];
    while (k > 0) {
      int sibling = k % 2 == 1 ? k + 1 : k - 1;
      out.add(tree.get(sibling));
      k = (k - 1) / 2;
    }
    return out;
  }

  /** OpenZeppelin's standard leaf of {@code (address, uint256)}. */
  public static Hash leaf(Address account, Amount amount) {
    byte[] encoded =
        Abi.encode(List.of(AbiType.ADDRESS, AbiType.UINT256), List.of(account, amount.value()));
    return Hash.keccak256(Hash.keccak256(encoded).toArray());
  }

  /** {@code MerkleProof.verify}: folds the proof into the leaf with sorted pairs. */
  public static boolean verify(List<Hash> proof, Hash root, Hash leaf) {
    Hash h = leaf;
    for (Hash p : proof) {
      h = hashPair(h, p);
    }
    return h.equals(root);
  }

  private static Hash hashPair(Hash a, Hash b) {
    return a.compareTo(b) <= 0
        ? Hash.keccak256(a.toArray(), b.toArray())
        : Hash.keccak256(b.toArray(), a.toArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClaimTree t
        && entries.equals(t.entries)
        && tree.equals(t.tree)
        && Arrays.equals(leafIndex, t.leafIndex);
  }

  @Override
  public int hashCode() {
    return tree.hashCode();
  }

  @Override
  public String toString() {
    return "ClaimTree[" + entries.size() + " entries, root " + root() + "]";
  }
}
