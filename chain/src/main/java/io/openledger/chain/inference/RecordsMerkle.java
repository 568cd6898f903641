package io.openledger.chain.inference;

import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;

/**
 * The ordered Merkle tree over a batch's record hashes (docs/economy.md, "Records"): level 0 is the
 * record hashes in record order; each next level pairs neighbours, {@code keccak256(left ‖ right)},
 * and an odd last node is promoted unchanged. The root of one record is its hash.
 */
public final class RecordsMerkle {
  private RecordsMerkle() {}

  /**
   * An inclusion proof: the siblings from the leaf up, one per level where the node had one.
   *
   * @param index the leaf's position
   * @param leafCount how many leaves the tree has (it says where promotions happen)
   * @param siblings bottom first
   */
  public record Proof(int index, int leafCount, List<Hash> siblings) {
    public Proof {
      siblings = List.copyOf(siblings);
    }
  }

  /**
   * The root over {@code leaves}.
   *
   * @throws IllegalArgumentException if there are none (a batch holds at least one record)
   */
  public static Hash root(List<Hash> leaves) {
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("a records tree needs at least one record");
    }
    List<Hash> level = leaves;
    while (level.size() > 1) {
      level = parents(level);
    }
    return level.getFirst();
  }

  /** The proof of leaf {@code index}. */
  public static Proof proof(List<Hash> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new IndexOutOfBoundsException("no record " + index + " among " + leaves.size());
    }
    List<Hash> siblings = new ArrayList<>();
    List<Hash> level = leaves;
    int i = index;
    while (level.size() > 1) {
      int sibling = i ^ 1;
      if (sibling < level.size()) {
        siblings.add(level.get(sibling));
      }
      level = parents(level);
      i >>>= 1;
    }
    return new Proof(index, leaves.size(), siblings);
  }

  /** True when {@code leaf} sits at {@code proof.index()} of a tree with this {@code root}. */
  public static boolean verify(Hash root, Hash leaf, Proof proof) {
    if (proof.index() < 0 || proof.index() >= proof.leafCount()) {
      return false;
    }
    Hash node = leaf;
    int i = proof.index();
    int width = proof.leafCount();
    int used = 0;
    while (width > 1) {
      boolean promoted = (i ^ 1) >= width;
      if (!promoted) {
        if (used == proof.siblings().size()) {
          return false;
        }
        Hash s = proof.siblings().get(used++);
        node = (i & 1) == 0 ? node(node, s) : node(s, node);
      }
      i >>>= 1;
      width = (width + 1) >>> 1;
    }
    return used == proof.siblings().size() && node.equals(root);
  }

  private static List<Hash> parents(List<Hash> level) {
    List<Hash> up = new ArrayList<>((level.size() + 1) / 2);
    for (int i = 0; i + 1 < level.size(); i += 2) {
      up.add(node(level.get(i), level.get(i + 1)));
    }
    if (level.size() % 2 == 1) {
      up.add(level.getLast());
    }
    return up;
  }

  private static Hash node(Hash left, Hash right) {
    return Hash.keccak256(left.toArray(), right.toArray());
  }
}
