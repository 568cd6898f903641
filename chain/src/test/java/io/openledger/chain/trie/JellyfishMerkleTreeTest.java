package io.openledger.chain.trie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyRange;
import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.Snapshot;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the versioned, stored tree adds: old roots, deferred writes, exact node sets, reopen. */
class JellyfishMerkleTreeTest {
  @TempDir Path tmp;

  private static Map<Hash, Optional<byte[]>> puts(Map<Hash, byte[]> entries) {
    Map<Hash, Optional<byte[]>> out = new TreeMap<>();
    entries.forEach((k, v) -> out.put(k, Optional.of(v)));
    return out;
  }

  private static TreeMap<Hash, byte[]> randomEntries(SplittableRandom r, int n) {
    TreeMap<Hash, byte[]> out = new TreeMap<>();
    List<Hash> keys = new ArrayList<>();
    while (out.size() < n) {
      Hash k = TreeGenerators.nextKey(r, keys);
      keys.add(k);
      out.put(k, TreeGenerators.randomValue(r));
    }
    return out;
  }

  private static Hash commit(KeyValueStore store, TreeUpdate update) {
    try (WriteBatch batch = store.newBatch()) {
      update.writeTo(batch);
      batch.commit(Durability.BUFFERED);
    }
    return update.root();
  }

  /** Every node hash reachable from {@code root}, read from the store (no cache). */
  private static Set<Hash> reachable(KeyValueReader store, Hash root) {
    Set<Hash> seen = new HashSet<>();
    ArrayDeque<Hash> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      Hash h = todo.pop();
      if (h.equals(Hash.ZERO) || !seen.add(h)) {
        continue;
      }
      TreeNode node = TreeNode.decode(h, store.get(Column.TRIE_NODES, h.toArray()).orElseThrow());
      if (node instanceof TreeNode.Internal in) {
        todo.push(in.left());
        todo.push(in.right());
      }
    }
    return seen;
  }

  @Test
  void oldRootsStayReadableAndProvable() {
    SplittableRandom r = new SplittableRandom(1);
    KeyValueStore store = new InMemoryKeyValueStore();
    JellyfishMerkleTree tree = new JellyfishMerkleTree(store, NodeCache.disabled());
    List<Hash> roots = new ArrayList<>();
    List<TreeMap<Hash, byte[]>> states = new ArrayList<>();
    TreeMap<Hash, byte[]> state = new TreeMap<>();
    Hash root = Hash.ZERO;
    for (int version = 1; version <= 20; version++) {
      Map<Hash, Optional<byte[]>> updates = new TreeMap<>();
      List<Hash> keys = new ArrayList<>(state.keySet());
      for (int i = 0; i < 30; i++) {
        Hash k =
            !keys.isEmpty() && r.nextBoolean()
                ? keys.get(r.nextInt(keys.size()))
                : TreeGenerators.nextKey(r, keys);
        updates.put(
            k, r.nextInt(4) == 0 ? Optional.empty() : Optional.of(TreeGenerators.randomValue(r)));
      }
      TreeUpdate u = tree.apply(root, updates, version);
      assertThat(u.version()).isEqualTo(version);
      root = commit(store, u);
      updates.forEach((k, v) -> v.ifPresentOrElse(x -> state.put(k, x), () -> state.remove(k)));
      roots.add(root);
      states.add(new TreeMap<>(state));
      assertThat(root).as("version %d", version).isEqualTo(NaiveSparseMerkleTree.root(state));
    }
    for (int v = 0; v < roots.size(); v++) {
      Hash at = roots.get(v);
      for (Map.Entry<Hash, byte[]> e : states.get(v).entrySet()) {
        assertThat(tree.get(at, e.getKey())).as("version %d", v + 1).hasValue(e.getValue());
        assertThat(
                SparseMerkleProof.verify(
                    at, e.getKey(), Optional.of(e.getValue()), tree.proof(at, e.getKey())))
            .isTrue();
      }
    }
  }

  @Test
  void applyWritesNothingUntilTheCallerCommits() {
    SplittableRandom r = new SplittableRandom(2);
    KeyValueStore store = new InMemoryKeyValueStore();
    JellyfishMerkleTree writer = new JellyfishMerkleTree(store);
    TreeMap<Hash, byte[]> entries = randomEntries(r, 50);
    TreeUpdate u = writer.apply(Hash.ZERO, puts(entries), 1);

    assertThat(store.scan(Column.TRIE_NODES, KeyRange.all(), 1)).isEmpty();
    JellyfishMerkleTree coldReader = new JellyfishMerkleTree(store, NodeCache.disabled());
    Hash someKey = entries.firstKey();
    assertThatThrownBy(() -> coldReader.get(u.root(), someKey))
        .isInstanceOf(MissingNodeException.class)
        .hasMessageContaining("never committed or was pruned");

    commit(store, u);
    assertThat(coldReader.get(u.root(), someKey)).hasValue(entries.get(someKey));
  }

  /**
   * Staged nodes make a root readable, by every view of the tree, before its batch is committed
   * (the pipelined sequencer builds on them); unstaged after the commit they are read from the
   * store, and unstaged without a commit the root is unreadable again.
   */
  @Test
  void stagedNodesAreReadableUntilUnstaged() {
    SplittableRandom r = new SplittableRandom(7);
    KeyValueStore store = new InMemoryKeyValueStore();
    JellyfishMerkleTree tree = new JellyfishMerkleTree(store, NodeCache.disabled());
    TreeMap<Hash, byte[]> first = randomEntries(r, 80);
    TreeUpdate u1 = tree.apply(Hash.ZERO, puts(first), 1);
    tree.stage(u1.newNodes());
    assertThat(tree.stagedCount()).isEqualTo(u1.newNodes().size());
    JellyfishMerkleTree view = tree.reading(store);
    for (Map.Entry<Hash, byte[]> e : first.entrySet()) {
      assertThat(view.get(u1.root(), e.getKey())).hasValue(e.getValue());
    }
    // the next version is built on the staged root, as block n+1 is on block n
    TreeMap<Hash, byte[]> second = randomEntries(r, 40);
    TreeUpdate u2 = tree.apply(u1.root(), puts(second), 2);
    commit(store, u1);
    tree.unstage(u1.newNodes().keySet());
    assertThat(tree.stagedCount()).isZero();
    tree.stage(u2.newNodes());
    for (Map.Entry<Hash, byte[]> e : first.entrySet()) {
      assertThat(tree.get(u2.root(), e.getKey()))
          .hasValue(second.getOrDefault(e.getKey(), e.getValue()));
    }
    tree.unstage(u2.newNodes().keySet());
    Hash someKey = second.firstKey();
    assertThatThrownBy(() -> tree.get(u2.root(), someKey)).isInstanceOf(MissingNodeException.class);
    commit(store, u2);
    assertThat(tree.get(u2.root(), someKey)).hasValue(second.get(someKey));
  }

  /** newNodes is exactly what the new root adds; staleNodes exactly what it drops. */
  @Test
  void newAndStaleNodesAreExactlyTheDifferenceBetweenRoots() {
    SplittableRandom r = new SplittableRandom(3);
    for (int c = 0; c < 40; c++) {
      KeyValueStore store = new InMemoryKeyValueStore();
      JellyfishMerkleTree tree = new JellyfishMerkleTree(store, new NodeCache(10_000));
      TreeMap<Hash, byte[]> base = randomEntries(r, r.nextInt(200));
      Hash oldRoot = commit(store, tree.apply(Hash.ZERO, puts(base), 1));
      Map<Hash, Optional<byte[]>> updates = new TreeMap<>();
      List<Hash> keys = new ArrayList<>(base.keySet());
      for (int i = 0, n = 1 + r.nextInt(40); i < n; i++) {
        Hash k =
            !keys.isEmpty() && r.nextBoolean()
                ? keys.get(r.nextInt(keys.size()))
                : TreeGenerators.nextKey(r, keys);
        int kind = r.nextInt(5);
        updates.put(
            k,
            kind == 0
                ? Optional.empty()
                : kind == 1 && base.containsKey(k)
                    ? Optional.of(base.get(k).clone()) // same value again
                    : Optional.of(TreeGenerators.randomValue(r)));
      }
      TreeUpdate u = tree.apply(oldRoot, updates, 2);
      commit(store, u);
      Set<Hash> before = reachable(store, oldRoot);
      Set<Hash> after = reachable(store, u.root());
      Set<Hash> added = new HashSet<>(after);
      added.removeAll(before);
      Set<Hash> dropped = new HashSet<>(before);
      dropped.removeAll(after);
      assertThat(u.newNodes().keySet())
          .as("case %d new", c)
          .containsExactlyInAnyOrderElementsOf(added);
      assertThat(u.staleNodes())
          .as("case %d stale", c)
          .containsExactlyInAnyOrderElementsOf(dropped);
    }
  }

  @Test
  void emptyUpdateKeepsTheRootAndCreatesNothing() {
    SplittableRandom r = new SplittableRandom(4);
    KeyValueStore store = new InMemoryKeyValueStore();
    JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
    TreeMap<Hash, byte[]> entries = randomEntries(r, 20);
    Hash root = commit(store, tree.apply(Hash.ZERO, puts(entries), 1));
    TreeUpdate same = tree.apply(root, Map.of(), 2);
    assertThat(same.root()).isEqualTo(root);
    assertThat(same.newNodes()).isEmpty();
    TreeUpdate rewrite = tree.apply(root, puts(entries), 3);
    assertThat(rewrite.root()).isEqualTo(root);
    assertThat(rewrite.newNodes()).isEmpty();
    assertThat(rewrite.staleNodes()).isEmpty();
  }

  @Test
  void unknownRootIsAClearError() {
    JellyfishMerkleTree tree = new JellyfishMerkleTree(new InMemoryKeyValueStore());
    Hash bogus = Hash.keccak256(new byte[] {42});
    assertThatThrownBy(() -> tree.get(bogus, bogus)).isInstanceOf(MissingNodeException.class);
    assertThatThrownBy(() -> tree.apply(bogus, Map.of(bogus, Optional.of(new byte[1])), 1))
        .isInstanceOf(MissingNodeException.class)
        .hasMessageContaining(bogus.toHex());
  }

  @Test
  void treeOnRocksDbSurvivesReopenAndReadsThroughSnapshots() {
    SplittableRandom r = new SplittableRandom(5);
    Path dir = tmp.resolve("state");
    TreeMap<Hash, byte[]> v1 = randomEntries(r, 300);
    Hash root1;
    Hash root2;
    TreeMap<Hash, byte[]> v2 = new TreeMap<>(v1);
    try (KeyValueStore store = RocksDbKeyValueStore.open(dir)) {
      JellyfishMerkleTree tree = new JellyfishMerkleTree(store, new NodeCache(1_000));
      root1 = commit(store, tree.apply(Hash.ZERO, puts(v1), 1));
      try (Snapshot snap = store.snapshot()) {
        Map<Hash, Optional<byte[]>> change = new TreeMap<>();
        for (Hash k : List.copyOf(v1.keySet()).subList(0, 50)) {
          byte[] v = TreeGenerators.randomValue(r);
          change.put(k, Optional.of(v));
          v2.put(k, v);
        }
        root2 = commit(store, tree.apply(root1, change, 2));
        JellyfishMerkleTree atSnapshot = new JellyfishMerkleTree(snap, NodeCache.disabled());
        Hash k = v1.firstKey();
        assertThat(atSnapshot.get(root1, k)).hasValue(v1.get(k));
        assertThatThrownBy(() -> atSnapshot.get(root2, k)).isInstanceOf(MissingNodeException.class);
      }
    }
    try (KeyValueStore store = RocksDbKeyValueStore.open(dir)) {
      JellyfishMerkleTree tree = new JellyfishMerkleTree(store);
      for (Map.Entry<Hash, byte[]> e : v2.entrySet()) {
        assertThat(tree.get(root2, e.getKey())).hasValue(e.getValue());
        assertThat(tree.get(root1, e.getKey())).hasValue(v1.get(e.getKey()));
      }
      assertThat(root2).isEqualTo(NaiveSparseMerkleTree.root(v2));
    }
  }

  @Test
  void cacheStaysWithinItsBound() {
    SplittableRandom r = new SplittableRandom(6);
    KeyValueStore store = new InMemoryKeyValueStore();
    NodeCache cache = new NodeCache(2_000);
    JellyfishMerkleTree tree = new JellyfishMerkleTree(store, cache);
    TreeMap<Hash, byte[]> entries = randomEntries(r, 5_000);
    Hash root = commit(store, tree.apply(Hash.ZERO, puts(entries), 1));
    assertThat(cache.size()).isLessThanOrEqualTo(2_000);
    for (Hash k : List.copyOf(entries.keySet()).subList(0, 500)) {
      assertThat(tree.get(root, k)).hasValue(entries.get(k));
    }
    assertThat(cache.size()).isLessThanOrEqualTo(2_000).isPositive();
  }
}
