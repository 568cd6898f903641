package io.openledger.chain.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link KeyValueStore} in sorted maps, for tests and tools only: nothing is persisted. Same
 * semantics as {@link RocksDbKeyValueStore}: atomic batches (readers never see half a batch),
 * snapshots isolated from later writes, iteration in unsigned byte order. Snapshots and cursors
 * share the maps; the next commit copies each column it touches, so it costs O(column size).
 */
public final class InMemoryKeyValueStore implements KeyValueStore {
  private static final java.util.Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  // Each column's map is replaced, never changed, once a snapshot shares it (copy on write):
  // snapshots cost O(1) and the first commit after one copies the columns it touches.
  private final Map<Column, TreeMap<byte[], byte[]>> columns = new EnumMap<>(Column.class);
  private final EnumSet<Column> shared = EnumSet.noneOf(Column.class);
  // readers hold the read lock, a commit the write lock: nobody sees half a batch
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  public InMemoryKeyValueStore() {
    for (Column c : Column.values()) {
      columns.put(c, new TreeMap<>(ORDER));
    }
  }

  @Override
  public Optional<byte[]> get(Column column, byte[] key) {
    lock.readLock().lock();
    try {
      ensureOpen();
      byte[] v = columns.get(column).get(key);
      return v == null ? Optional.empty() : Optional.of(v.clone());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Iterates a consistent copy-on-write view: on this store, later writes are not seen. */
  @Override
  public KeyValueCursor iterate(Column column, KeyRange range) {
    lock.writeLock().lock(); // marks the column shared
    try {
      ensureOpen();
      shared.add(column);
      return new MapCursor(
          slice(columns.get(column), range).entrySet().iterator(), this::ensureOpen);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public WriteBatch newBatch() {
    ensureOpen();
    return new Batch();
  }

  @Override
  public Snapshot snapshot() {
    lock.writeLock().lock();
    try {
      ensureOpen();
      shared.addAll(columns.keySet());
      return new MapSnapshot(new EnumMap<>(columns));
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("the in-memory store is closed");
    }
  }

  /** The map of {@code column} that a commit may change (called under the write lock). */
  private TreeMap<byte[], byte[]> writable(Column column) {
    if (shared.remove(column)) {
      columns.put(column, new TreeMap<>(columns.get(column)));
    }
    return columns.get(column);
  }

  private static NavigableMap<byte[], byte[]> slice(
      NavigableMap<byte[], byte[]> map, KeyRange range) {
    if (range.from() != null && range.to() != null) {
      return Arrays.compareUnsigned(range.from(), range.to()) >= 0
          ? new TreeMap<>(ORDER)
          : map.subMap(range.from(), true, range.to(), false);
    }
    if (range.from() != null) {
      return map.tailMap(range.from(), true);
    }
    if (range.to() != null) {
      return map.headMap(range.to(), false);
    }
    return map;
  }

  private record Op(Column column, byte[] key, byte[] value) {} // value null = delete

  private final class Batch implements WriteBatch {
    private final List<Op> ops = new ArrayList<>();
    private boolean done;

    @Override
    public WriteBatch put(Column column, byte[] key, byte[] value) {
      open();
      ops.add(new Op(column, key.clone(), value.clone()));
      return this;
    }

    @Override
    public WriteBatch delete(Column column, byte[] key) {
      open();
      ops.add(new Op(column, key.clone(), null));
      return this;
    }

    @Override
    public int size() {
      return ops.size();
    }

    @Override
    public void commit(Durability durability) {
      open();
      done = true;
      lock.writeLock().lock();
      try {
        ensureOpen();
        for (Op op : ops) {
          if (op.value() == null) {
            writable(op.column()).remove(op.key());
          } else {
            writable(op.column()).put(op.key(), op.value());
          }
        }
      } finally {
        lock.writeLock().unlock();
      }
    }

    @Override
    public void close() {
      done = true;
    }

    private void open() {
      if (done) {
        throw new StorageException("write batch already committed or closed");
      }
    }
  }

  private final class MapSnapshot implements Snapshot {
    private final Map<Column, TreeMap<byte[], byte[]>> data;
    private volatile boolean released;

    MapSnapshot(Map<Column, TreeMap<byte[], byte[]>> data) {
      this.data = data;
    }

    @Override
    public Optional<byte[]> get(Column column, byte[] key) {
      check();
      byte[] v = data.get(column).get(key);
      return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    @Override
    public KeyValueCursor iterate(Column column, KeyRange range) {
      check();
      return new MapCursor(slice(data.get(column), range).entrySet().iterator(), this::check);
    }

    @Override
    public void close() {
      released = true;
    }

    private void check() {
      if (released) {
        throw new StorageException("snapshot already closed");
      }
      ensureOpen();
    }
  }

  private static final class MapCursor implements KeyValueCursor {
    private final Iterator<Map.Entry<byte[], byte[]>> it;
    private final Runnable check;
    private boolean closed;

    MapCursor(Iterator<Map.Entry<byte[], byte[]>> it, Runnable check) {
      this.it = it;
      this.check = check;
    }

    @Override
    public boolean hasNext() {
      if (closed) {
        return false;
      }
      check.run();
      return it.hasNext();
    }

    @Override
    public KeyValue next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<byte[], byte[]> e = it.next();
      return new KeyValue(e.getKey().clone(), e.getValue().clone());
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
