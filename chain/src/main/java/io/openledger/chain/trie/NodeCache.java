package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;
import java.util.HashMap;

/**
 * A bounded cache of decoded tree nodes, keyed by node hash. Nodes are immutable and addressed by
 * content, so one cache may be shared by every tree reading the same store (snapshots included).
 *
 * <p>Eviction is by generations, a cheap approximation of least-recently-used: each of 16 segments
 * fills a young generation; when it holds half the segment's capacity it becomes the old generation
 * and the previous old one is dropped. A hit in the old generation moves the node back to the young
 * one, so nodes in use (the upper levels every update walks, the nodes the last blocks wrote)
 * survive. At most {@link #maxNodes()} nodes are held. Thread-safe.
 *
 * <p>Sizing: a cached node costs about 200 bytes of heap (an internal node: two hashes, a record,
 * the map entry), so the default 1,000,000 nodes is about 200 MB; a tree of n leaves has about 2n
 * nodes, and an update of k keys touches about k·log2(n/k) + 2k of them.
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
        n += s.young.size() + s.old.size();
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
      s.put(node.hash(), node);
    }
  }

  /** Drops every node (after the store was restored, or to measure cold reads). */
  public void clear() {
    for (Segment s : segments) {
      synchronized (s) {
        s.young = new HashMap<>();
        s.old = new HashMap<>();
      }
    }
  }

  private Segment segment(Hash hash) {
    // node hashes are uniformly distributed: their hash codes' low bits pick a segment
    return segments[hash.hashCode() & (SEGMENTS - 1)];
  }

  private static final class Segment {
    private final int generationSize;
    HashMap<Hash, TreeNode> young = new HashMap<>();
    HashMap<Hash, TreeNode> old = new HashMap<>();

    Segment(int generationSize) {
      this.generationSize = generationSize;
    }

    TreeNode get(Hash hash) {
      TreeNode node = young.get(hash);
      if (node == null) {
        node = old.remove(hash);
        if (node != null) {
          put(hash, node);
        }
      }
      return node;
    }

    void put(Hash hash, TreeNode node) {
      if (generationSize == 0) {
        return;
      }
      young.put(hash, node);
      if (young.size() >= generationSize) {
        old = young;
        young = new HashMap<>(2 * generationSize);
      }
    }
  }
}
