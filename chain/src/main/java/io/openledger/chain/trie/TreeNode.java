package io.openledger.chain.trie;

import io.openledger.chain.crypto.Keccak256;
import io.openledger.chain.types.Hash;
import java.util.Arrays;

/**
 * A decoded tree node. Stored encoding (value of {@code Column.TRIE_NODES}, key = node hash):
 *
 * <pre>
 * leaf      0x00 || key (32) || value (any length)     hash = keccak(0x00 || key || keccak(value))
 * internal  0x01 || left (32) || right (32)            hash = keccak(the 65 bytes)
 * </pre>
 *
 * The empty subtree is never stored: its hash is {@link TreeHashing#EMPTY}.
 */
sealed interface TreeNode permits TreeNode.Empty, TreeNode.Leaf, TreeNode.Internal {
  Hash hash();

  /** The empty subtree. */
  enum Empty implements TreeNode {
    INSTANCE;

    @Override
    public Hash hash() {
      return TreeHashing.EMPTY;
    }
  }

  /** A leaf: the full 256-bit key and the value. */
  record Leaf(Hash hash, Hash key, byte[] value) implements TreeNode {
    static Leaf of(Hash key, byte[] value) {
      return new Leaf(TreeHashing.leafHash(key, TreeHashing.valueHash(value)), key, value);
    }

    byte[] encode() {
      byte[] out = new byte[1 + Hash.SIZE + value.length];
      out[0] = TreeHashing.LEAF;
      System.arraycopy(key.toArray(), 0, out, 1, Hash.SIZE);
      System.arraycopy(value, 0, out, 1 + Hash.SIZE, value.length);
      return out;
    }
  }

  /**
   * An internal node: hashes of the left (bit 0) and right (bit 1) subtrees. Near the root it also
   * points at its decoded children once they are loaded, so walks through the upper levels follow
   * pointers instead of looking hashes up in the cache. The pointers are a racy cache of immutable
   * objects: a thread that sees null just looks the child up.
   */
  static final class Internal implements TreeNode {
    private final Hash hash;
    private final Hash left;
    private final Hash right;
    private TreeNode leftNode;
    private TreeNode rightNode;

    Internal(Hash hash, Hash left, Hash right) {
      this.hash = hash;
      this.left = left;
      this.right = right;
    }

    static Internal of(Hash left, Hash right) {
      return new Internal(TreeHashing.internalHash(left, right), left, right);
    }

    /** A new node and its encoding, hashing the encoding itself (it is the hash preimage). */
    static Internal of(Hash left, Hash right, byte[] encoding) {
      return new Internal(Hash.wrap(Keccak256.hash65(encoding)), left, right);
    }

    @Override
    public Hash hash() {
      return hash;
    }

    Hash left() {
      return left;
    }

    Hash right() {
      return right;
    }

    Hash child(boolean bit) {
      return bit ? right : left;
    }

    /** The decoded child if this node points at it, else null. */
    TreeNode childNode(boolean bit) {
      return bit ? rightNode : leftNode;
    }

    void pointTo(boolean bit, TreeNode child) {
      if (bit) {
        rightNode = child;
      } else {
        leftNode = child;
      }
    }

    byte[] encode() {
      return TreeHashing.preimage(TreeHashing.INTERNAL, left, right);
    }

    @Override
    public String toString() {
      return "Internal[" + hash + "]";
    }
  }

  static byte[] encode(TreeNode node) {
    return switch (node) {
      case Leaf l -> l.encode();
      case Internal i -> i.encode();
      case Empty e -> throw new IllegalArgumentException("the empty subtree is not stored");
    };
  }

  /**
   * Decodes a stored node whose hash is already known (it is the lookup key), so nothing is
   * rehashed on the read path.
   */
  static TreeNode decode(Hash hash, byte[] bytes) {
    if (bytes.length >= 1 + Hash.SIZE && bytes[0] == TreeHashing.LEAF) {
      return new Leaf(
          hash,
          Hash.wrap(Arrays.copyOfRange(bytes, 1, 1 + Hash.SIZE)),
          Arrays.copyOfRange(bytes, 1 + Hash.SIZE, bytes.length));
    }
    if (bytes.length == 1 + 2 * Hash.SIZE && bytes[0] == TreeHashing.INTERNAL) {
      return new Internal(
          hash,
          Hash.wrap(Arrays.copyOfRange(bytes, 1, 1 + Hash.SIZE)),
          Hash.wrap(Arrays.copyOfRange(bytes, 1 + Hash.SIZE, bytes.length)));
    }
    throw new MissingNodeException(
        "state node " + hash + " is corrupt (" + bytes.length + " bytes, tag " + bytes[0] + ")");
  }
}
