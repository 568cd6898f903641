package io.openledger.chain.store;

import java.util.Iterator;

/**
 * Entries of one column in ascending unsigned key order. Holds native resources in RocksDB: always
 * close it (try-with-resources). Not thread-safe.
 */
public interface KeyValueCursor extends Iterator<KeyValue>, AutoCloseable {
  @Override
  void close();
}
