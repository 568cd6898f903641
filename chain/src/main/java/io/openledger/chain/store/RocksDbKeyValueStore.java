package io.openledger.chain.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;

/**
 * The node's {@link KeyValueStore} on RocksDB: one column family per {@link Column}, named by its
 * one-byte id and created on open; the write-ahead log is always on. A {@link Durability#SYNC}
 * commit fsyncs the log before returning.
 *
 * <p>Thread-safe. {@link #close} waits for calls in progress, then closes every snapshot and cursor
 * still open, so no native handle is used after it is freed (that would crash the JVM).
 */
public final class RocksDbKeyValueStore implements KeyValueStore {
  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final RocksDB db;
  private final DBOptions dbOptions;
  private final List<ColumnFamilyOptions> cfOptions;
  private final LRUCache blockCache;
  private final List<ColumnFamilyHandle> allHandles;
  private final Map<Column, ColumnFamilyHandle> handles;
  private final WriteOptions syncWrite;
  private final WriteOptions bufferedWrite;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Set<AutoCloseable> openResources = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private RocksDbKeyValueStore(
      Path dir,
      RocksDB db,
      DBOptions dbOptions,
      List<ColumnFamilyOptions> cfOptions,
      LRUCache blockCache,
      List<ColumnFamilyHandle> allHandles,
      Map<Column, ColumnFamilyHandle> handles) {
    this.dir = dir;
    this.db = db;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.blockCache = blockCache;
    this.allHandles = allHandles;
    this.handles = handles;
    this.syncWrite = new WriteOptions().setSync(true);
    this.bufferedWrite = new WriteOptions().setSync(false);
  }

  /** Opens (creating if needed) the store in {@code dir} with {@link RocksDbConfig#DEFAULT}. */
  public static RocksDbKeyValueStore open(Path dir) {
    return open(dir, RocksDbConfig.DEFAULT);
  }

  /**
   * Opens (creating if needed) the store in {@code dir}.
   *
   * @throws StorageException if the directory is used by another process, is corrupt, or cannot be
   *     created; the message says which
   */
  public static RocksDbKeyValueStore open(Path dir, RocksDbConfig config) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new StorageException("cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
    LRUCache cache = new LRUCache(config.blockCacheBytes());
    ColumnFamilyOptions cfOptions = columnOptions(config, cache, false);
    ColumnFamilyOptions hashKeyed = columnOptions(config, cache, true);
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setMaxBackgroundJobs(config.backgroundJobs())
            .setBytesPerSync(1L << 20)
            // RocksDB's own LOG files: keep a few, not the default thousand
            .setKeepLogFileNum(5)
            .setMaxLogFileSize(16L << 20);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (Column c : Column.values()) {
      descriptors.add(
          new ColumnFamilyDescriptor(
              new byte[] {c.id()}, c == Column.TRIE_NODES ? hashKeyed : cfOptions));
    }
    addUnknownFamilies(dir, descriptors, cfOptions);
    List<ColumnFamilyHandle> handleList = new ArrayList<>();
    RocksDB db;
    try {
      db = RocksDB.open(dbOptions, dir.toString(), descriptors, handleList);
    } catch (RocksDBException e) {
      cfOptions.close();
      hashKeyed.close();
      dbOptions.close();
      cache.close();
      throw openFailure(dir, e);
    }
    Map<Column, ColumnFamilyHandle> handles = new EnumMap<>(Column.class);
    for (int i = 0; i < descriptors.size(); i++) {
      byte[] name = descriptors.get(i).getName();
      if (name.length == 1) {
        for (Column c : Column.values()) {
          if (c.id() == name[0]) {
            handles.put(c, handleList.get(i));
          }
        }
      }
    }
    return new RocksDbKeyValueStore(
        dir, db, dbOptions, List.of(cfOptions, hashKeyed), cache, handleList, handles);
  }

  /**
   * Options of a column family. Columns keyed by hash ({@link Column#TRIE_NODES}) are read by
   * random point lookups and hold incompressible hashes: small blocks and no compression, so a
   * lookup reads and decodes 4 KiB, not 16 KiB through LZ4.
   */
  private static ColumnFamilyOptions columnOptions(
      RocksDbConfig config, LRUCache cache, boolean hashKeyed) {
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockCache(cache)
            .setCacheIndexAndFilterBlocks(true)
            .setPinL0FilterAndIndexBlocksInCache(true)
            .setBlockSize(hashKeyed ? 4 * 1024 : 16 * 1024)
            .setFormatVersion(5);
    if (config.bloomBitsPerKey() > 0) {
      table.setFilterPolicy(new BloomFilter(config.bloomBitsPerKey()));
    }
    ColumnFamilyOptions options =
        new ColumnFamilyOptions()
            .setTableFormatConfig(table)
            .setWriteBufferSize(config.writeBufferBytes())
            .setMaxWriteBufferNumber(3)
            .setLevelCompactionDynamicLevelBytes(true);
    if (hashKeyed) {
      return options
          .setCompressionType(CompressionType.NO_COMPRESSION)
          .setBottommostCompressionType(CompressionType.NO_COMPRESSION);
    }
    return options
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION);
  }

  /** Column families written by a newer version must be opened too (RocksDB requires it). */
  private static void addUnknownFamilies(
      Path dir, List<ColumnFamilyDescriptor> descriptors, ColumnFamilyOptions cfOptions) {
    if (!Files.exists(dir.resolve("CURRENT"))) {
      return;
    }
    try (Options options = new Options()) {
      for (byte[] name : RocksDB.listColumnFamilies(options, dir.toString())) {
        boolean known = descriptors.stream().anyMatch(d -> Arrays.equals(d.getName(), name));
        if (!known) {
          descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
        }
      }
    } catch (RocksDBException e) {
      throw openFailure(dir, e);
    }
  }

  private static StorageException openFailure(Path dir, RocksDBException e) {
    String msg = String.valueOf(e.getMessage());
    Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
    if (msg.contains("lock") || msg.contains("LOCK")) {
      return new StorageException(
          "data directory "
              + dir
              + " is in use by another process (its RocksDB lock is held); stop that node or"
              + " choose another data directory",
          e);
    }
    if (code == Status.Code.Corruption || msg.toLowerCase().contains("corrupt")) {
      return new StorageException(
          "data directory " + dir + " is corrupt (" + msg + "); restore it from a backup", e);
    }
    return new StorageException("cannot open data directory " + dir + ": " + msg, e);
  }

  public Path directory() {
    return dir;
  }

  @Override
  public Optional<byte[]> get(Column column, byte[] key) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return Optional.ofNullable(db.get(handles.get(column), key));
    } catch (RocksDBException e) {
      throw failure("read from " + column, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Asks the memtables and bloom filters first ({@code keyMayExist}, no disk read): a key that is
   * absent, the usual answer for a new state node, costs no block read.
   */
  @Override
  public boolean containsKey(Column column, byte[] key) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      ColumnFamilyHandle handle = handles.get(column);
      return db.keyMayExist(handle, key, null) && db.get(handle, key) != null;
    } catch (RocksDBException e) {
      throw failure("read from " + column, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public KeyValueCursor iterate(Column column, KeyRange range) {
    return openCursor(column, range, null);
  }

  @Override
  public WriteBatch newBatch() {
    ensureOpen();
    return new Batch();
  }

  @Override
  public Snapshot snapshot() {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      RocksSnapshot s = new RocksSnapshot(db.getSnapshot());
      openResources.add(s);
      return s;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (AutoCloseable r : List.copyOf(openResources)) {
        try {
          r.close();
        } catch (Exception ignored) {
          // closing handles cannot fail in a way we can act on
        }
      }
      try {
        db.syncWal();
      } catch (RocksDBException e) {
        // the data is in the WAL already; fsync failure at close is reported below on reopen
      }
      syncWrite.close();
      bufferedWrite.close();
      for (ColumnFamilyHandle h : allHandles) {
        h.close();
      }
      db.close();
      dbOptions.close();
      cfOptions.forEach(ColumnFamilyOptions::close);
      blockCache.close();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("store " + dir + " is closed");
    }
  }

  private StorageException failure(String what, RocksDBException e) {
    return new StorageException("RocksDB " + what + " failed in " + dir + ": " + e.getMessage(), e);
  }

  private KeyValueCursor openCursor(Column column, KeyRange range, RocksSnapshot snapshot) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      if (snapshot != null) {
        snapshot.check();
      }
      Cursor c = new Cursor(column, range, snapshot);
      openResources.add(c);
      return c;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private final class Batch implements WriteBatch {
    private final org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch();
    private int size;
    private boolean done;

    @Override
    public WriteBatch put(Column column, byte[] key, byte[] value) {
      open();
      try {
        batch.put(handles.get(column), key, value);
      } catch (RocksDBException e) {
        throw failure("batch put", e);
      }
      size++;
      return this;
    }

    @Override
    public WriteBatch delete(Column column, byte[] key) {
      open();
      try {
        batch.delete(handles.get(column), key);
      } catch (RocksDBException e) {
        throw failure("batch delete", e);
      }
      size++;
      return this;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public void commit(Durability durability) {
      open();
      done = true;
      lifecycle.readLock().lock();
      try {
        ensureOpen();
        db.write(durability == Durability.SYNC ? syncWrite : bufferedWrite, batch);
      } catch (RocksDBException e) {
        throw failure("write", e);
      } finally {
        lifecycle.readLock().unlock();
        batch.close();
      }
    }

    @Override
    public void close() {
      if (!done) {
        done = true;
        batch.close();
      }
    }

    private void open() {
      if (done) {
        throw new StorageException("write batch already committed or closed");
      }
    }
  }

  private final class RocksSnapshot implements Snapshot {
    private final org.rocksdb.Snapshot snapshot;
    private final ReadOptions readOptions;
    private volatile boolean released;

    RocksSnapshot(org.rocksdb.Snapshot snapshot) {
      this.snapshot = snapshot;
      this.readOptions = new ReadOptions().setSnapshot(snapshot);
    }

    @Override
    public Optional<byte[]> get(Column column, byte[] key) {
      lifecycle.readLock().lock();
      try {
        check();
        return Optional.ofNullable(db.get(handles.get(column), readOptions, key));
      } catch (RocksDBException e) {
        throw failure("snapshot read from " + column, e);
      } finally {
        lifecycle.readLock().unlock();
      }
    }

    @Override
    public KeyValueCursor iterate(Column column, KeyRange range) {
      return openCursor(column, range, this);
    }

    @Override
    public void close() {
      lifecycle.readLock().lock();
      try {
        synchronized (this) {
          if (released) {
            return;
          }
          released = true;
        }
        openResources.remove(this);
        if (!closed || lifecycle.isWriteLockedByCurrentThread()) {
          db.releaseSnapshot(snapshot);
        }
        readOptions.close();
      } finally {
        lifecycle.readLock().unlock();
      }
    }

    void check() {
      ensureOpen();
      if (released) {
        throw new StorageException("snapshot already closed");
      }
    }
  }

  /** A RocksIterator over one column, bounded by the range; guarded against use after close. */
  private final class Cursor implements KeyValueCursor {
    private final RocksSnapshot snapshot;
    private final ReadOptions readOptions;
    private final Slice upperBound;
    private final RocksIterator it;
    private boolean released;

    Cursor(Column column, KeyRange range, RocksSnapshot snapshot) {
      this.snapshot = snapshot;
      this.readOptions = new ReadOptions();
      if (snapshot != null) {
        readOptions.setSnapshot(snapshot.snapshot);
      }
      this.upperBound = range.to() == null ? null : new Slice(range.to());
      if (upperBound != null) {
        readOptions.setIterateUpperBound(upperBound);
      }
      this.it = db.newIterator(handles.get(column), readOptions);
      if (range.from() == null) {
        it.seekToFirst();
      } else {
        it.seek(range.from());
      }
    }

    @Override
    public boolean hasNext() {
      lifecycle.readLock().lock();
      try {
        if (released) {
          return false;
        }
        check();
        return it.isValid();
      } finally {
        lifecycle.readLock().unlock();
      }
    }

    @Override
    public KeyValue next() {
      lifecycle.readLock().lock();
      try {
        check();
        if (released || !it.isValid()) {
          throw new NoSuchElementException();
        }
        KeyValue kv = new KeyValue(it.key(), it.value());
        it.next();
        return kv;
      } finally {
        lifecycle.readLock().unlock();
      }
    }

    private void check() {
      ensureOpen();
      if (snapshot != null) {
        snapshot.check();
      }
    }

    @Override
    public synchronized void close() {
      if (released) {
        return;
      }
      released = true;
      openResources.remove(this);
      it.close();
      readOptions.close();
      if (upperBound != null) {
        upperBound.close();
      }
    }
  }
}
