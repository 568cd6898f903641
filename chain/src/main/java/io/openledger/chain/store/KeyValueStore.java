package io.openledger.chain.store;

/**
 * The node's key-value store: byte keys and values in {@link Column}s, atomic multi-column write
 * batches, and consistent snapshots. Implementations: {@link RocksDbKeyValueStore} (the node) and
 * {@link InMemoryKeyValueStore} (tests and tools), both held to the same contract.
 *
 * <p>Reads on the store itself see the latest committed batch. Thread-safe.
 */
public interface KeyValueStore extends KeyValueReader, AutoCloseable {
  /** A new empty batch; nothing happens until {@link WriteBatch#commit}. */
  WriteBatch newBatch();

  /** A consistent read-only view of every column as of now. */
  Snapshot snapshot();

  /** Flushes and releases the store. Further calls fail with {@link StorageException}. */
  @Override
  void close();
}
