package io.openledger.chain.store;

/**
 * A consistent, read-only view of the whole store as of the moment it was taken: batches committed
 * later are not seen, whatever column they touch. Close it to release the resources it pins
 * (RocksDB keeps the old data alive while a snapshot is open). Reads after close fail.
 */
public interface Snapshot extends KeyValueReader, AutoCloseable {
  @Override
  void close();
}
