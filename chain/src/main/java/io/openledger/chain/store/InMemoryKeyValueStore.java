package io.openledger.chain.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link KeyValueStore} in sorted maps, for tests and tools only: nothing is persisted. Same
 * semantics as {@link RocksDbKeyValueStore}: atomic batches (readers never see half a batch),
 * snapshots isolated from later writes, iteration in unsigned byte order. A snapshot copies the
 * store, so it costs O(size).
 */
public final class InMemoryKeyValueStore implements KeyValueStore {
  private static final java.util.Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  private final Map<Column, ConcurrentSkipListMap<byte[], byte[]>> columns =
      new EnumMap<>(Column.class);
  // readers hold the read lock, a commit the write lock: nobody sees half a batch
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  public InMemoryKeyValueStore() {
    for (Column c : Column.values()) {
      columns.put(c, new ConcurrentSkipListMap<>(ORDER));
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

  @Override
  public KeyValueCursor iterate(Column column, KeyRange range) {
    ensureOpen();
    return new MapCursor(slice(columns.get(column), range).entrySet().iterator(), this::ensureOpen);
  }

  @Override
  public WriteBatch newBatch() {
    ensureOpen();
    return new Batch();
  }

  @Override
  public Snapshot snapshot() {
    lock.readLock().lock();
    try {
      ensureOpen();
      Map<Column, NavigableMap<byte[], byte[]>> copy = new EnumMap<>(Column.class);
      columns.forEach((c, m) -> copy.put(c, new TreeMap<>(m)));
      return new MapSnapshot(copy);
    } finally {
      lock.readLock().unlock();
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
            columns.get(op.column()).remove(op.key());
          } else {
            columns.get(op.column()).put(op.key(), op.value());
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
    private final Map<Column, NavigableMap<byte[], byte[]>> data;
    private volatile boolean released;

    MapSnapshot(Map<Column, NavigableMap<byte[], byte[]>> data) {
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
