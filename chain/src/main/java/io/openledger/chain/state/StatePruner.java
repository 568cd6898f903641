package io.openledger.chain.state;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.KeyRange;
import io.openledger.chain.store.KeyValueCursor;
import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.Serializer;
import io.openledger.chain.store.TypedColumn;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.trie.JellyfishMerkleTree;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Deletes the state-tree nodes that no kept block version references, a bounded step with every
 * block, in the block's own write batch (docs/state-commitment.md, "Pruning").
 *
 * <p>Nodes are stored by content hash and shared between versions, so a node that version {@code s}
 * dropped (a <em>stale</em> node, {@link StateCommit#staleNodes}) may be created again by a later
 * version (a value changed and changed back). The pruner therefore keeps:
 *
 * <ul>
 *   <li>a journal per version {@code s}: the nodes {@code s}'s root dropped ({@link
 *       Column#STALE_NODES});
 *   <li>a revival mark for a node created again while it was still stored, that is while its
 *       deletion was pending ({@link Column#REVIVED_NODES}: node hash to the version that created
 *       it).
 * </ul>
 *
 * When version {@code s - 1} leaves the kept window, each node of journal {@code s} is deleted
 * unless it was revived after {@code s}: then it is in a later root, and if that root drops it
 * again, the later journal deletes it. So after the step, the store holds exactly the nodes of the
 * kept roots (what the tests check against a walk of every root).
 *
 * <p>Crash safety: the journal, the revival marks, the deletions and the progress ({@code
 * pruneCursor} and {@code stateFrom} in {@link Column#CHAIN_META}) all go into the block's batch,
 * so a crash leaves either the block with its pruning step or neither. Each call must see the
 * previous block's batch committed.
 *
 * <p>Work per block: one existence check per new node (a bloom-filter miss in RocksDB, almost
 * always), and at most {@code minBudget + 2 × (stale nodes of the block)} journal entries, so a
 * node that falls behind (a smaller {@code keep}, pruning turned on over an archive) catches up
 * over the following blocks without a long pause.
 */
public final class StatePruner {
  /** Journal entries processed per block beyond twice the block's own stale nodes. */
  public static final int DEFAULT_MIN_BUDGET = 4096;

  static final TypedColumn<Long, byte[]> JOURNAL =
      TypedColumn.of(Column.STALE_NODES, Serializer.LONG, Serializer.BYTES);
  static final TypedColumn<Hash, Long> REVIVED =
      TypedColumn.of(Column.REVIVED_NODES, Serializer.HASH, Serializer.LONG);
  static final TypedColumn<Hash, byte[]> NODES = JellyfishMerkleTree.NODES;
  static final TypedColumn<String, byte[]> META =
      TypedColumn.of(Column.CHAIN_META, Serializer.UTF8, Serializer.BYTES);

  /** Last fully processed journal (8) ‖ entries done of the next one (4). */
  static final String CURSOR = "pruneCursor";

  /** Oldest block number whose state is complete (8 bytes); absent: 0. */
  static final String STATE_FROM = "stateFrom";

  private final StateRetention retention;
  private final int minBudget;

  public StatePruner(StateRetention retention, int minBudget) {
    if (minBudget < 1) {
      throw new IllegalArgumentException("the pruning budget must be at least 1, got " + minBudget);
    }
    this.retention = retention;
    this.minBudget = minBudget;
  }

  public StatePruner(StateRetention retention) {
    this(retention, DEFAULT_MIN_BUDGET);
  }

  public StateRetention retention() {
    return retention;
  }

  /**
   * Puts block {@code version}'s journal, its revival marks and one bounded pruning step into
   * {@code batch}, the batch that commits the block. Does nothing in archive mode.
   *
   * @param store the store as committed before {@code batch} (the previous block included)
   * @param commit the block's state commit, whose writes are in {@code batch} already or will be
   */
  public void onCommit(KeyValueReader store, WriteBatch batch, long version, StateCommit commit) {
    if (!(retention instanceof StateRetention.KeepLast keep)) {
      return;
    }
    List<Hash> created = commit.newNodes();
    for (Hash node : created) {
      if (store.containsKey(NODES.column(), NODES.keys().toBytes(node))) {
        batch.put(REVIVED, node, version);
      }
    }
    byte[] journal = pack(commit.staleNodes());
    if (journal.length > 0) {
      batch.put(JOURNAL, version, journal);
    }
    long budget = minBudget + 2L * commit.staleNodes().size();
    step(store, batch, version - keep.blocks() + 1, budget, created);
  }

  /** Processes journals up to {@code target} (inclusive), at most {@code budget} entries. */
  private static void step(
      KeyValueReader store, WriteBatch batch, long target, long budget, List<Hash> created) {
    Cursor c = cursor(store);
    long stateFrom = firstAvailable(store);
    long done = c.done();
    int offset = c.offset();
    Set<Hash> createdNow = null;
    boolean moved = false;
    while (done + 1 <= target && budget > 0) {
      long s = done + 1;
      // s < the block's own version (at least 2 states kept): journal s is committed
      byte[] journal = store.get(JOURNAL, s).orElse(new byte[0]);
      int entries = journal.length / Hash.SIZE;
      offset = Math.min(offset, entries); // a journal dropped by an archive run is empty now
      stateFrom = Math.max(stateFrom, s); // root s-1 is about to lose nodes
      int end = (int) Math.min(entries, offset + budget);
      if (end > offset && createdNow == null) {
        createdNow = new HashSet<>(created);
      }
      for (int i = offset; i < end; i++) {
        Hash node = Hash.wrap(Arrays.copyOfRange(journal, i * Hash.SIZE, (i + 1) * Hash.SIZE));
        if (createdNow.contains(node)) {
          continue; // created again by this very block
        }
        Optional<Long> revived = store.get(REVIVED, node);
        if (revived.isPresent() && revived.get() > s) {
          continue; // in a later root; a later journal deletes it if that root drops it
        }
        batch.delete(NODES, node);
        if (revived.isPresent()) {
          batch.delete(REVIVED, node);
        }
      }
      budget -= (end - offset) + 1;
      moved = true;
      if (end == entries) {
        if (entries > 0) {
          batch.delete(JOURNAL, s);
        }
        done = s;
        offset = 0;
      } else {
        offset = end;
      }
    }
    if (moved) {
      batch.put(META, CURSOR, ByteBuffer.allocate(12).putLong(done).putInt(offset).array());
      batch.put(META, STATE_FROM, ByteBuffer.allocate(8).putLong(stateFrom).array());
    }
  }

  /**
   * How far pruning has gone: journals up to {@code done} processed, {@code offset} of the next.
   */
  record Cursor(long done, int offset) {}

  static Cursor cursor(KeyValueReader store) {
    return store
        .get(META, CURSOR)
        .map(
            b -> {
              ByteBuffer buf = ByteBuffer.wrap(b);
              return new Cursor(buf.getLong(), buf.getInt());
            })
        .orElse(new Cursor(0, 0));
  }

  /**
   * The oldest block number whose state is complete in {@code store}: 0 for a store never pruned.
   * States of older blocks are (partly) deleted.
   */
  public static long firstAvailable(KeyValueReader store) {
    return store.get(META, STATE_FROM).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
  }

  /**
   * Forgets the deletions still pending in {@code store}'s journals, so that an archive node never
   * deletes a node it created again meanwhile (it keeps no revival marks). The nodes those journals
   * named stay stored for good; the states already pruned stay unavailable.
   *
   * @return the number of journals dropped
   */
  public static int abandonPending(KeyValueStore store) {
    int dropped = 0;
    try (WriteBatch batch = store.newBatch();
        KeyValueCursor c = store.iterate(Column.STALE_NODES, KeyRange.all())) {
      while (c.hasNext()) {
        batch.delete(Column.STALE_NODES, c.next().key());
        dropped++;
      }
      if (dropped > 0) {
        batch.commit();
      }
    }
    return dropped;
  }

  private static byte[] pack(List<Hash> hashes) {
    byte[] out = new byte[hashes.size() * Hash.SIZE];
    for (int i = 0; i < hashes.size(); i++) {
      System.arraycopy(hashes.get(i).toArray(), 0, out, i * Hash.SIZE, Hash.SIZE);
    }
    return out;
  }
}
