package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded cache of decoded tree nodes, keyed by node hash; least recently used nodes are evicted
 * first, so the upper levels that every update touches stay in memory. Nodes are immutable and
 * addressed by content, so one cache may be shared by every tree reading the same store (including
 * snapshots). Thread-safe: 16 independently locked segments.
 *
 * <p>Sizing: a cached node costs about 250 bytes of heap (an internal node: two hashes, a record,
 * the map entry), so the default 1,000,000 nodes is about 250 MB; a tree of n leaves has about 2n
 * nodes.
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
      segments[i] = new Segment(Math.ceilDiv(maxNodes, SEGMENTS));
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
    if (maxNodes == 0) {
      return;
    }
    Segment s = segment(node.hash());
    synchronized (s) {
      s.put(node.hash(), node);
    }
  }

  /** Drops every node (after the store was restored, or to measure cold reads). */
  public void clear() {
    for (Segment s : segments) {
      synchronized (s) {
        s.clear();
      }
    }
  }

  private Segment segment(Hash hash) {
    // hash codes of node hashes are uniformly distributed: the low bits pick a segment
    return segments[hash.hashCode() & (SEGMENTS - 1)];
  }

  private static final class Segment extends LinkedHashMap<Hash, TreeNode> {
    private final int capacity;

    Segment(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<Hash, TreeNode> eldest) {
      return size() > capacity;
    }
  }
}
