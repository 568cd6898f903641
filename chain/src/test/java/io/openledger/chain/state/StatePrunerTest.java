package io.openledger.chain.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyRange;
import io.openledger.chain.store.KeyValue;
import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.trie.JellyfishMerkleTree;
import io.openledger.chain.trie.MissingNodeException;
import io.openledger.chain.trie.NodeCache;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pruner against a walk of every root: after each block the store holds exactly the nodes of
 * the kept roots, every kept root reads back the values a model recorded, and values that change
 * and change back (nodes created again while their deletion is pending) never lose a node.
 */
class StatePrunerTest {
  private static final Address MODULE = Address.ofLowBytes(0x1001);

  /** One chain of blocks over a store, with the expected storage of each version. */
  private static final class Chain {
    final KeyValueStore store = new InMemoryKeyValueStore();
    // no cache: every read goes to the store, so a deleted node is noticed
    final StateDatabase db =
        new StateDatabase(new JellyfishMerkleTree(store, NodeCache.disabled()));
    StatePruner pruner;
    final List<Hash> roots = new ArrayList<>(List.of(Hash.ZERO));
    final List<Map<Integer, Integer>> models = new ArrayList<>(List.of(Map.of()));

    Chain(StatePruner pruner) {
      this.pruner = pruner;
    }

    long head() {
      return roots.size() - 1;
    }

    /**
     * One block of random slot writes over a few slots and values, so whole subtrees recur: a
     * change and its undo recreate nodes whose deletion is pending.
     */
    void block(SplittableRandom r, int slots, int values, boolean commit) {
      long parent = head();
      WorldState ws = db.open(roots.getLast(), parent);
      Map<Integer, Integer> model = new HashMap<>(models.getLast());
      for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
        int slot = r.nextInt(slots);
        int value = r.nextInt(values + 1);
        if (value == 0) {
          ws.deleteStorage(MODULE, slot(slot));
          model.remove(slot);
        } else {
          ws.putStorage(MODULE, slot(slot), new byte[] {(byte) value});
          model.put(slot, value);
        }
      }
      StateCommit c = ws.commit();
      try (WriteBatch batch = store.newBatch()) {
        c.writeTo(batch);
        pruner.onCommit(store, batch, parent + 1, c);
        if (!commit) {
          return; // a crash before the block's write: nothing of it lands
        }
        batch.commit();
      }
      roots.add(c.stateRoot());
      models.add(model);
    }

    /** The model's value of every slot at version v, read from the store. */
    void checkReadable(long v, int slots) {
      StateReader at = db.at(roots.get((int) v));
      for (int s = 0; s < slots; s++) {
        Optional<byte[]> got = at.storage(MODULE, slot(s));
        Integer want = models.get((int) v).get(s);
        assertThat(got.map(b -> (int) b[0]).orElse(null))
            .as("version %d slot %d", v, s)
            .isEqualTo(want);
      }
    }
  }

  private static byte[] slot(int i) {
    return new byte[] {(byte) i};
  }

  /** Every node reachable from {@code root}, read from the store (stored encoding, no cache). */
  private static Set<Hash> reachable(KeyValueReader store, Hash root) {
    Set<Hash> seen = new HashSet<>();
    List<Hash> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      Hash h = todo.removeLast();
      if (h.equals(Hash.ZERO) || !seen.add(h)) {
        continue;
      }
      byte[] node =
          store
              .get(Column.TRIE_NODES, h.toArray())
              .orElseThrow(() -> new AssertionError("node " + h + " is missing"));
      if (node[0] == 1) {
        todo.add(Hash.wrap(Arrays.copyOfRange(node, 1, 33)));
        todo.add(Hash.wrap(Arrays.copyOfRange(node, 33, 65)));
      }
    }
    return seen;
  }

  private static Set<Hash> stored(KeyValueReader store) {
    Set<Hash> out = new HashSet<>();
    for (KeyValue kv : store.scan(Column.TRIE_NODES, KeyRange.all(), Integer.MAX_VALUE)) {
      out.add(Hash.wrap(kv.key()));
    }
    return out;
  }

  private static Set<Hash> keptNodes(Chain c, long from) {
    Set<Hash> out = new HashSet<>();
    for (long v = from; v <= c.head(); v++) {
      out.addAll(reachable(c.store, c.roots.get((int) v)));
    }
    return out;
  }

  @Test
  void storeHoldsExactlyTheNodesOfTheKeptRoots() {
    for (int seed = 0; seed < 60; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int keep = 2 + r.nextInt(6);
      int slots = 2 + r.nextInt(12);
      int values = 1 + r.nextInt(3);
      Chain c = new Chain(new StatePruner(StateRetention.keepLast(keep), 1_000_000));
      for (int b = 0; b < 80; b++) {
        c.block(r, slots, values, true);
        long from = Math.max(0, c.head() - keep + 1);
        assertThat(StatePruner.firstAvailable(c.store)).as("seed %d", seed).isEqualTo(from);
        assertThat(stored(c.store))
            .as("seed %d block %d keep %d", seed, c.head(), keep)
            .isEqualTo(keptNodes(c, from));
        for (long v = from; v <= c.head(); v++) {
          c.checkReadable(v, slots);
        }
      }
      assertThat(c.store.scan(Column.STALE_NODES, KeyRange.all(), 100).size())
          .as("journals pending")
          .isLessThanOrEqualTo(keep);
    }
  }

  @Test
  void smallBudgetLagsButNeverDeletesAKeptNodeAndCatchesUp() {
    for (int seed = 0; seed < 30; seed++) {
      SplittableRandom r = new SplittableRandom(100 + seed);
      int keep = 2 + r.nextInt(4);
      int slots = 4 + r.nextInt(20);
      Chain c = new Chain(new StatePruner(StateRetention.keepLast(keep), 1));
      for (int b = 0; b < 60; b++) {
        c.block(r, slots, 2, true);
        long from = StatePruner.firstAvailable(c.store);
        assertThat(from).isLessThanOrEqualTo(Math.max(0, c.head() - keep + 1));
        // every root from the first available one on is whole
        keptNodes(c, from);
      }
      // the budget grows with each block's own stale nodes, so the pruner catches up
      int more = 0;
      while (!caughtUp(c, keep)) {
        assertThat(more++).as("seed %d: blocks to catch up", seed).isLessThan(2000);
        c.block(r, slots, 2, true);
      }
      long from = Math.max(0, c.head() - keep + 1);
      assertThat(StatePruner.firstAvailable(c.store)).as("seed %d", seed).isEqualTo(from);
      assertThat(stored(c.store)).as("seed %d", seed).isEqualTo(keptNodes(c, from));
    }
  }

  private static boolean caughtUp(Chain c, int keep) {
    StatePruner.Cursor cursor = StatePruner.cursor(c.store);
    return cursor.offset() == 0 && cursor.done() == c.head() - keep + 1;
  }

  @Test
  void aBlockNotCommittedLeavesTheStoreAsItWas() {
    SplittableRandom r = new SplittableRandom(7);
    Chain c = new Chain(new StatePruner(StateRetention.keepLast(3), 1_000_000));
    for (int b = 0; b < 20; b++) {
      c.block(r, 8, 2, true);
    }
    Set<Hash> before = stored(c.store);
    long fromBefore = StatePruner.firstAvailable(c.store);
    c.block(r, 8, 2, false); // crash: the batch with the pruning step is never written
    assertThat(stored(c.store)).isEqualTo(before);
    assertThat(StatePruner.firstAvailable(c.store)).isEqualTo(fromBefore);
    for (int b = 0; b < 20; b++) {
      c.block(r, 8, 2, true);
      long from = c.head() - 2;
      assertThat(stored(c.store)).isEqualTo(keptNodes(c, from));
    }
  }

  @Test
  void aPrunedRootCannotBeRead() {
    SplittableRandom r = new SplittableRandom(8);
    Chain c = new Chain(new StatePruner(StateRetention.keepLast(2), 1_000_000));
    for (int b = 0; b < 10; b++) {
      c.block(r, 64, 3, true);
    }
    assertThatThrownBy(() -> c.checkReadable(1, 64)).isInstanceOf(MissingNodeException.class);
  }

  @Test
  void archiveKeepsEveryNodeAndAbandoningJournalsKeepsNodesCreatedAgain() {
    SplittableRandom r = new SplittableRandom(9);
    Chain c = new Chain(new StatePruner(StateRetention.ARCHIVE));
    for (int b = 0; b < 30; b++) {
      c.block(r, 6, 2, true);
    }
    assertThat(stored(c.store)).isEqualTo(keptNodes(c, 0));
    assertThat(c.store.scan(Column.STALE_NODES, KeyRange.all(), 10)).isEmpty();

    // prune for a while, run as an archive (pending journals dropped), then prune again: the
    // nodes the archive run created again must survive the second pruning run
    Chain p = new Chain(new StatePruner(StateRetention.keepLast(5), 1_000_000));
    for (int b = 0; b < 30; b++) {
      p.block(r, 6, 2, true);
    }
    assertThat(StatePruner.abandonPending(p.store)).isPositive();
    long prunedFrom = StatePruner.firstAvailable(p.store);
    p.pruner = new StatePruner(StateRetention.ARCHIVE);
    for (int b = 0; b < 20; b++) {
      p.block(r, 6, 2, true);
    }
    assertThat(StatePruner.firstAvailable(p.store)).isEqualTo(prunedFrom);
    p.pruner = new StatePruner(StateRetention.keepLast(5), 1_000_000);
    for (int b = 0; b < 40; b++) {
      p.block(r, 6, 2, true);
      long from = StatePruner.firstAvailable(p.store);
      assertThat(from).isEqualTo(p.head() - 4);
      for (long v = from; v <= p.head(); v++) {
        p.checkReadable(v, 6);
      }
    }
  }

  @Test
  void keepMustBePositive() {
    assertThatThrownBy(() -> StateRetention.keepLast(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2");
  }
}
