package io.openledger.chain.datanet;

import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The Merkle tree of a datanet's accepted set (docs/economy.md, "Versions"): depth 32, as
 * Ethereum's deposit contract, leaf {@code i} = {@code keccak256(uint64be(contributionId) ‖
 * blobHash)} of the {@code i}-th accepted contribution, empty leaves zero, {@code zero[k+1] =
 * keccak256(zero[k] ‖ zero[k])}, inner node {@code keccak256(left ‖ right)}. No length is mixed
 * into the root.
 *
 * <p>The module keeps only the <em>frontier</em>: for each level, the last left sibling still
 * waiting for its right one ({@link #append}); the root follows from it and the leaf count ({@link
 * #root(long, IntFunction)}). Off chain, {@link #root(List)} and {@link #proof} work on the whole
 * list of leaves.
 */
public final class ContributionsMerkle {
  /** Levels between a leaf and the root. */
  public static final int DEPTH = 32;

  /** Most leaves the frontier can take: the last slot is kept free, as in the deposit contract. */
  public static final long MAX_LEAVES = (1L << DEPTH) - 1;

  private static final Hash[] ZERO = zeroHashes();

  private ContributionsMerkle() {}

  /**
   * One accepted contribution as a leaf.
   *
   * @param contributionId the contribution's global id
   * @param blobHash its blob's hash
   */
  public record Leaf(long contributionId, Hash blobHash) {
    /** {@code keccak256(uint64be(contributionId) ‖ blobHash)}. */
    public Hash hash() {
      return leaf(contributionId, blobHash);
    }
  }

  /**
   * A frontier entry to store after an append: the node at {@code level}.
   *
   * @param level 0..31
   * @param node the new left sibling at that level
   */
  public record Branch(int level, Hash node) {}

  /** {@code keccak256(uint64be(contributionId) ‖ blobHash)}. */
  public static Hash leaf(long contributionId, Hash blobHash) {
    return Hash.keccak256(
        ByteBuffer.allocate(8).putLong(contributionId).array(), blobHash.toArray());
  }

  /** The root of an empty subtree of height {@code level} (0 = an empty leaf). */
  public static Hash zero(int level) {
    return ZERO[level];
  }

  /** An inner node: {@code keccak256(left ‖ right)}. */
  public static Hash node(Hash left, Hash right) {
    return Hash.keccak256(left.toArray(), right.toArray());
  }

  /**
   * Appends {@code leaf} as leaf number {@code size} of a tree whose frontier is {@code branch}
   * (called only for the levels it needs: those where {@code size} has a 1 bit, from level 0 up).
   *
   * @return the one frontier entry that changes
   * @throws IllegalStateException if the tree holds {@link #MAX_LEAVES} leaves already
   */
  public static Branch append(long size, Hash leaf, IntFunction<Hash> branch) {
    if (size < 0 || size >= MAX_LEAVES) {
      throw new IllegalStateException("the contributions tree is full (" + MAX_LEAVES + " leaves)");
    }
    Hash node = leaf;
    int level = 0;
    long s = size;
    while ((s & 1) == 1) {
      node = node(branch.apply(level), node);
      s >>>= 1;
      level++;
    }
    return new Branch(level, node);
  }

  /**
   * The root of a tree of {@code size} leaves from its frontier ({@code branch} is called only for
   * the levels where {@code size} has a 1 bit).
   */
  public static Hash root(long size, IntFunction<Hash> branch) {
    Hash node = ZERO[0];
    long s = size;
    for (int level = 0; level < DEPTH; level++) {
      node = (s & 1) == 1 ? node(branch.apply(level), node) : node(node, ZERO[level]);
      s >>>= 1;
    }
    return node;
  }

  /** The root of the tree whose leaves are {@code leaves}, in order. */
  public static Hash root(List<Leaf> leaves) {
    Hash[] frontier = new Hash[DEPTH];
    long size = 0;
    for (Leaf l : leaves) {
      Branch b = append(size, l.hash(), level -> frontier[level]);
      frontier[b.level()] = b.node();
      size++;
    }
    return root(size, level -> frontier[level]);
  }

  /**
   * The Merkle proof of leaf {@code index}: its 32 siblings, from the leaf's level up.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < leaves.size()}
   */
  public static List<Hash> proof(List<Leaf> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new IndexOutOfBoundsException(
          "leaf " + index + " of a tree of " + leaves.size() + " leaves");
    }
    List<Hash> layer = new ArrayList<>(leaves.size());
    leaves.forEach(l -> layer.add(l.hash()));
    List<Hash> siblings = new ArrayList<>(DEPTH);
    int i = index;
    List<Hash> nodes = layer;
    for (int level = 0; level < DEPTH; level++) {
      int sibling = i ^ 1;
      siblings.add(sibling < nodes.size() ? nodes.get(sibling) : ZERO[level]);
      nodes = parents(nodes, level);
      i >>>= 1;
    }
    return List.copyOf(siblings);
  }

  /**
   * True when {@code proof} (32 siblings, leaf level first) leads from {@code leaf} at position
   * {@code index} to {@code root}.
   */
  public static boolean verify(Hash root, Hash leaf, long index, List<Hash> proof) {
    if (proof.size() != DEPTH || index < 0 || index >= MAX_LEAVES) {
      return false;
    }
    Hash node = leaf;
    for (int level = 0; level < DEPTH; level++) {
      node =
          ((index >>> level) & 1) == 1
              ? node(proof.get(level), node)
              : node(node, proof.get(level));
    }
    return node.equals(root);
  }

  /** The next layer up: pairs of nodes, an odd last node paired with the empty subtree. */
  private static List<Hash> parents(List<Hash> nodes, int level) {
    List<Hash> up = new ArrayList<>((nodes.size() + 1) / 2);
    for (int j = 0; j < nodes.size(); j += 2) {
      up.add(node(nodes.get(j), j + 1 < nodes.size() ? nodes.get(j + 1) : ZERO[level]));
    }
    return up;
  }

  private static Hash[] zeroHashes() {
    Hash[] z = new Hash[DEPTH + 1];
    z[0] = Hash.ZERO;
    for (int k = 0; k < DEPTH; k++) {
      z[k + 1] = node(z[k], z[k]);
    }
    return z;
  }
}
