package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;

/**
 * A bounded cache of decoded tree nodes, keyed by node hash. Nodes are immutable and addressed by
 * content, so one cache may be shared by every tree reading the same store (snapshots included).
 *
 * <p>Eviction is by generations, a cheap approximation of least-recently-used: each of 16 segments
 * fills a young generation; when it holds half the segment's capacity it becomes the old generation
 * and the previous old one is dropped. A hit in the old generation moves the node back to the young
 * one, so nodes in use (the upper levels every update walks, the nodes the last blocks wrote)
 * survive. Between half of {@link #maxNodes()} (just after a generation is dropped) and all of it
 * are held. Thread-safe.
 *
 * <p>Sizing: a cached node costs about 200 bytes of heap (an internal node: two hashes, the node,
 * two table slots), so the default 1,000,000 nodes is about 200 MB; a tree of n leaves has about 2n
 * nodes (give the cache 4n to keep all of them), and an update of k keys touches about k·log2(n/k)
 * + 2k of them.
 */
public final class NodeCache {
  /** Default capacity in nodes. */
  public static final int DEFAULT_MAX_NODES = 1_000_000;

  private static final int SEGMENTS = 16;

  private final Segment[] segments = new Segment[SEGMENTS];
  private final int maxNodes;

  public NodeCache(int maxNodes) {
    if (maxNodes < 0) {
      throw new IllegalArgumentException("cache capacity must be >= 0, got " + maxNodes);
    }
    this.maxNodes = maxNodes;
    for (int i = 0; i < SEGMENTS; i++) {
      segments[i] = new Segment(maxNodes / SEGMENTS / 2);
    }
  }

  /** A cache of {@link #DEFAULT_MAX_NODES} nodes. */
  public NodeCache() {
    this(DEFAULT_MAX_NODES);
  }

  /** A cache that holds nothing. */
  public static NodeCache disabled() {
    return new NodeCache(0);
  }

  public int maxNodes() {
    return maxNodes;
  }

  /** Number of nodes held now. */
  public int size() {
    int n = 0;
    for (Segment s : segments) {
      synchronized (s) {
        n += s.size();
      }
    }
    return n;
  }

  TreeNode get(Hash hash) {
    Segment s = segment(hash);
    synchronized (s) {
      return s.get(hash);
    }
  }

  void put(TreeNode node) {
    Segment s = segment(node.hash());
    synchronized (s) {
      s.put(node.hash().hashCode(), node);
    }
  }

  /** Drops every node (after the store was restored, or to measure cold reads). */
  public void clear() {
    for (Segment s : segments) {
      synchronized (s) {
        s.young = new Table(s.generationSize);
        s.old = new Table(0);
      }
    }
  }

  private Segment segment(Hash hash) {
    // node hashes are uniformly distributed: their hash codes' low bits pick a segment
    return segments[hash.hashCode() & (SEGMENTS - 1)];
  }

  private static final class Segment {
    private final int generationSize;
    Table young;
    Table old;

    Segment(int generationSize) {
      this.generationSize = generationSize;
      this.young = new Table(generationSize);
      this.old = new Table(0);
    }

    TreeNode get(Hash hash) {
      int code = hash.hashCode();
      TreeNode node = young.get(hash, code);
      if (node == null) {
        node = old.get(hash, code);
        if (node != null) {
          put(code, node); // promoted; the old copy goes when its generation does
        }
      }
      return node;
    }

    void put(int code, TreeNode node) {
      if (generationSize == 0) {
        return;
      }
      young.put(code, node);
      if (young.size >= generationSize) {
        old = young;
        young = new Table(generationSize);
      }
    }

    int size() {
      return young.size + old.size;
    }
  }

  /**
   * Open addressing over the node hashes' 32-bit hash codes, linear probing, at most half full: a
   * lookup reads an int array and, on a match, the node itself; no entry objects.
   */
  private static final class Table {
    private final int[] codes;
    private final TreeNode[] nodes;
    private final int shift;
    int size;

    Table(int entries) {
      int slots = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
      codes = new int[entries == 0 ? 0 : slots];
      nodes = new TreeNode[entries == 0 ? 0 : slots];
      shift = 32 - Integer.numberOfTrailingZeros(Math.max(1, nodes.length));
    }

    private int slot(int code) {
      return (code * 0x9E3779B9) >>> shift; // Fibonacci hashing spreads the bits
    }

    TreeNode get(Hash hash, int code) {
      if (nodes.length == 0) {
        return null;
      }
      int mask = nodes.length - 1;
      for (int i = slot(code); ; i = (i + 1) & mask) {
        TreeNode n = nodes[i];
        if (n == null) {
          return null;
        }
        if (codes[i] == code && n.hash().equals(hash)) {
          return n;
        }
      }
    }

    void put(int code, TreeNode node) {
      int mask = nodes.length - 1;
      for (int i = slot(code); ; i = (i + 1) & mask) {
        TreeNode n = nodes[i];
        if (n == null) {
          codes[i] = code;
          nodes[i] = node;
          size++;
          return;
        }
        if (codes[i] == code && n.hash().equals(node.hash())) {
          return;
        }
      }
    }
  }
}
