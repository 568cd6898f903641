package io.openledger.chain.trie;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.store.Serializer;
import io.openledger.chain.store.TypedColumn;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stored, versioned state tree: a binary sparse Merkle tree over keccak-256 in the style of
 * Diem's Jellyfish Merkle tree (binary instead of 16-ary). Nodes are immutable and stored by hash
 * in {@link Column#TRIE_NODES}, so every committed root stays readable and roots share unchanged
 * subtrees. A subtree holding a single leaf is that leaf, so a tree of n random keys is about
 * log2(n) deep.
 *
 * <p>This class is stateless apart from its {@link NodeCache} and is thread-safe: readers at old
 * roots (RPC, proofs) and the writer of the next block may use it at once. To read a consistent
 * store view, build one over a {@code Snapshot} with {@link #reading}.
 */
public final class JellyfishMerkleTree {
  /** Internal nodes above this depth keep pointers to their decoded children (see child()). */
  static final int POINTER_DEPTH = 16;

  /** Stored nodes: node hash to encoded node (docs/state-commitment.md, "Node storage"). */
  public static final TypedColumn<Hash, byte[]> NODES =
      TypedColumn.of(Column.TRIE_NODES, Serializer.HASH, Serializer.BYTES);

  private final KeyValueReader store;
  private final NodeCache cache;

  /**
   * Nodes of roots built but not yet durable in the store (a pipelined sequencer executes block n+1
   * on block n's root while n's batch is still being written): read after the cache and before the
   * store, shared by every view of this tree.
   */
  private final Map<Hash, byte[]> staged;

  /**
   * @param store where committed nodes are read ({@link Column#TRIE_NODES})
   * @param cache hot nodes, shared freely between trees over the same store
   */
  public JellyfishMerkleTree(KeyValueReader store, NodeCache cache) {
    this(store, cache, new ConcurrentHashMap<>());
  }

  private JellyfishMerkleTree(KeyValueReader store, NodeCache cache, Map<Hash, byte[]> staged) {
    this.store = Objects.requireNonNull(store, "store");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.staged = staged;
  }

  /** A tree with a private cache of {@link NodeCache#DEFAULT_MAX_NODES} nodes. */
  public JellyfishMerkleTree(KeyValueReader store) {
    this(store, new NodeCache());
  }

  /** The same tree, with the same cache, reading from {@code view} (e.g. a snapshot). */
  public JellyfishMerkleTree reading(KeyValueReader view) {
    return new JellyfishMerkleTree(view, cache, staged);
  }

  /**
   * Makes nodes readable before they are in the store: those of a root whose write batch is not yet
   * committed. {@link #unstage} them once the batch is durable (or abandoned).
   *
   * @param nodes node hash to encoded node
   */
  public void stage(Map<Hash, byte[]> nodes) {
    staged.putAll(nodes);
  }

  /** Forgets staged nodes: their batch is in the store now, or was abandoned. */
  public void unstage(Collection<Hash> hashes) {
    for (Hash h : hashes) {
      staged.remove(h);
    }
  }

  /** How many nodes are staged (0 whenever nothing is being committed). */
  public int stagedCount() {
    return staged.size();
  }

  public NodeCache cache() {
    return cache;
  }

  /**
   * The value of {@code key} in the tree with root {@code root}.
   *
   * @throws MissingNodeException if the root's nodes are not stored
   */
  public Optional<byte[]> get(Hash root, Hash key) {
    return get(root, key, Map.of());
  }

  Optional<byte[]> get(Hash root, Hash key, Map<Hash, byte[]> overlay) {
    TreeNode node = load(root, overlay);
    int depth = 0;
    while (node instanceof TreeNode.Internal in) {
      node = child(in, key.bit(depth), depth++, overlay);
    }
    return node instanceof TreeNode.Leaf leaf && leaf.key().equals(key)
        ? Optional.of(leaf.value())
        : Optional.empty();
  }

  /** The proof of {@code key}'s value or absence under {@code root}. */
  public SparseMerkleProof proof(Hash root, Hash key) {
    return proof(root, key, Map.of());
  }

  SparseMerkleProof proof(Hash root, Hash key, Map<Hash, byte[]> overlay) {
    List<Hash> siblings = new ArrayList<>();
    TreeNode node = load(root, overlay);
    int depth = 0;
    while (node instanceof TreeNode.Internal in) {
      boolean bit = key.bit(depth);
      siblings.add(in.child(!bit));
      node = child(in, bit, depth++, overlay);
    }
    Optional<SparseMerkleProof.Leaf> leaf =
        node instanceof TreeNode.Leaf l
            ? Optional.of(new SparseMerkleProof.Leaf(l.key(), TreeHashing.valueHash(l.value())))
            : Optional.empty();
    return new SparseMerkleProof(leaf, siblings);
  }

  /**
   * Applies {@code updates} (present value: put; empty: delete) to the tree at {@code root} and
   * returns the new root with the nodes to store. Writes nothing: the caller puts {@link
   * TreeUpdate#newNodes} into the block's write batch ({@link TreeUpdate#writeTo}). The updates are
   * sorted by key and applied in one pass per level; new nodes enter the cache at once.
   *
   * @param version the block number, recorded in the result (node keys do not depend on it)
   * @throws MissingNodeException if a node of {@code root} on an updated path is not stored
   */
  public TreeUpdate apply(Hash root, Map<Hash, Optional<byte[]>> updates, long version) {
    return apply(root, updates, version, Map.of());
  }

  TreeUpdate apply(
      Hash root, Map<Hash, Optional<byte[]>> updates, long version, Map<Hash, byte[]> overlay) {
    Hash[] keys = updates.keySet().toArray(new Hash[0]);
    if (!(updates instanceof SortedMap<Hash, ?> sorted && sorted.comparator() == null)) {
      Arrays.sort(keys);
    }
    byte[][] values = new byte[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      values[i] = updates.get(keys[i]).orElse(null);
    }
    Updater u = new Updater(keys, values, overlay);
    TreeNode newRoot =
        keys.length == 0 ? load(root, overlay) : u.update(load(root, overlay), 0, 0, keys.length);
    return new TreeUpdate(newRoot.hash(), version, u.newNodes, u.stale);
  }

  /**
   * The child of {@code in} (at {@code depth}) on side {@code bit}: by pointer near the root (set
   * on first load), else from the cache or the store. Pointers stop at {@link #POINTER_DEPTH} so
   * they pin at most about 2^(POINTER_DEPTH+1) nodes per root beyond the cache's bound.
   */
  private TreeNode child(TreeNode.Internal in, boolean bit, int depth, Map<Hash, byte[]> overlay) {
    TreeNode c = in.childNode(bit);
    if (c == null) {
      c = load(in.child(bit), overlay);
      if (depth < POINTER_DEPTH) {
        in.pointTo(bit, c);
      }
    }
    return c;
  }

  TreeNode load(Hash hash, Map<Hash, byte[]> overlay) {
    if (hash.equals(TreeHashing.EMPTY)) {
      return TreeNode.Empty.INSTANCE;
    }
    TreeNode node = cache.get(hash);
    if (node != null) {
      return node;
    }
    byte[] bytes = overlay.get(hash);
    if (bytes == null) {
      bytes = staged.get(hash);
    }
    if (bytes == null) {
      bytes =
          store
              .get(NODES, hash)
              .orElseThrow(
                  () ->
                      new MissingNodeException(
                          "state node "
                              + hash
                              + " is not in the store: its root was never committed or was"
                              + " pruned"));
    }
    node = TreeNode.decode(hash, bytes);
    cache.put(node);
    return node;
  }

  /** One batched update: the sorted keys, their new values (null = delete), what it creates. */
  private final class Updater {
    private final Hash[] keys;
    private final byte[][] values;
    private final Map<Hash, byte[]> overlay;
    final NewNodes newNodes = new NewNodes();
    final List<Hash> stale = new ArrayList<>();

    Updater(Hash[] keys, byte[][] values, Map<Hash, byte[]> overlay) {
      this.keys = keys;
      this.values = values;
      this.overlay = overlay;
    }

    /** The subtree at {@code depth} rooted at {@code node}, after updates [from, to). */
    TreeNode update(TreeNode node, int depth, int from, int to) {
      return switch (node) {
        case TreeNode.Empty e -> build(depth, from, to, null);
        case TreeNode.Leaf leaf -> build(depth, from, to, leaf);
        case TreeNode.Internal in -> updateInternal(in, depth, from, to);
      };
    }

    private TreeNode updateInternal(TreeNode.Internal in, int depth, int from, int to) {
      int mid = split(depth, from, to);
      TreeNode left =
          from < mid ? update(child(in, false, depth, overlay), depth + 1, from, mid) : null;
      TreeNode right =
          mid < to ? update(child(in, true, depth, overlay), depth + 1, mid, to) : null;
      Hash lh = left != null ? left.hash() : in.left();
      Hash rh = right != null ? right.hash() : in.right();
      if (lh.equals(in.left()) && rh.equals(in.right())) {
        return in;
      }
      stale.add(in.hash());
      boolean leftEmpty = lh.equals(TreeHashing.EMPTY);
      boolean rightEmpty = rh.equals(TreeHashing.EMPTY);
      if (leftEmpty && rightEmpty) {
        return TreeNode.Empty.INSTANCE;
      }
      if (leftEmpty || rightEmpty) {
        // a lone leaf moves up to where it is alone; a lone internal node stays put
        TreeNode other =
            leftEmpty
                ? (right != null ? right : child(in, true, depth, overlay))
                : (left != null ? left : child(in, false, depth, overlay));
        if (other instanceof TreeNode.Leaf) {
          return other;
        }
      }
      return newInternal(
          left != null ? left : in.childNode(false),
          lh,
          right != null ? right : in.childNode(true),
          rh,
          depth);
    }

    /**
     * A fresh subtree at {@code depth} holding the puts of [from, to) plus {@code existing} (an old
     * leaf of this subtree, dropped if one of the updates names its key).
     */
    private TreeNode build(int depth, int from, int to, TreeNode.Leaf existing) {
      int same = -1; // an update that writes the existing leaf's own value: nothing to do
      if (existing != null) {
        int i = Arrays.binarySearch(keys, from, to, existing.key());
        if (i >= 0 && values[i] != null && Arrays.equals(values[i], existing.value())) {
          same = i;
        } else if (i >= 0) {
          stale.add(existing.hash());
          existing = null;
        }
      }
      int live = existing != null ? 1 : 0;
      int firstLive = -1;
      for (int i = from; i < to && live < 2; i++) {
        if (values[i] != null && i != same) {
          live++;
          firstLive = firstLive < 0 ? i : firstLive;
        }
      }
      if (live == 0) {
        return TreeNode.Empty.INSTANCE;
      }
      if (live == 1) {
        return existing != null ? existing : newLeaf(keys[firstLive], values[firstLive]);
      }
      int mid = split(depth, from, to);
      boolean existingRight = existing != null && existing.key().bit(depth);
      TreeNode left = build(depth + 1, from, mid, existingRight ? null : existing);
      TreeNode right = build(depth + 1, mid, to, existingRight ? existing : null);
      return newInternal(left, left.hash(), right, right.hash(), depth);
    }

    /** First index in [from, to) whose key has bit {@code depth} set (keys share the prefix). */
    private int split(int depth, int from, int to) {
      int lo = from;
      int hi = to;
      while (lo < hi) {
        int m = (lo + hi) >>> 1;
        if (keys[m].bit(depth)) {
          hi = m;
        } else {
          lo = m + 1;
        }
      }
      return lo;
    }

    private TreeNode newLeaf(Hash key, byte[] value) {
      TreeNode.Leaf leaf = TreeNode.Leaf.of(key, value);
      newNodes.add(leaf.hash(), leaf.encode());
      cache.put(leaf);
      return leaf;
    }

    /** A new internal node at {@code depth}; the child nodes (may be null) become its pointers. */
    private TreeNode newInternal(
        TreeNode leftNode, Hash left, TreeNode rightNode, Hash right, int depth) {
      byte[] encoding = TreeHashing.preimage(TreeHashing.INTERNAL, left, right);
      TreeNode.Internal node = TreeNode.Internal.of(left, right, encoding);
      if (depth < POINTER_DEPTH) {
        node.pointTo(false, leftNode);
        node.pointTo(true, rightNode);
      }
      newNodes.add(node.hash(), encoding);
      if (depth == 0 || depth >= POINTER_DEPTH) {
        // nodes in between are reached by pointer from the new root, which is cached
        cache.put(node);
      }
      return node;
    }
  }
}
