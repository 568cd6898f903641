package io.openledger.chain.store;

/**
 * Tuning of {@link RocksDbKeyValueStore}. The defaults suit a 2-core machine with a few GB of
 * memory.
 *
 * @param blockCacheBytes shared LRU cache of uncompressed data blocks, index and bloom filters
 * @param writeBufferBytes memtable size per column family before it is flushed to disk
 * @param backgroundJobs flush and compaction threads
 * @param bloomBitsPerKey bloom filter size; 10 bits give about 1% false positives on point reads
 */
public record RocksDbConfig(
    long blockCacheBytes, long writeBufferBytes, int backgroundJobs, int bloomBitsPerKey) {
  public static final RocksDbConfig DEFAULT = new RocksDbConfig(256L << 20, 32L << 20, 2, 10);

  public RocksDbConfig {
    if (blockCacheBytes < 0 || writeBufferBytes < (1 << 20) || backgroundJobs < 1) {
      throw new IllegalArgumentException(
          "invalid RocksDB config: block cache >= 0, write buffer >= 1 MiB, background jobs >= 1");
    }
    if (bloomBitsPerKey < 0 || bloomBitsPerKey > 64) {
      throw new IllegalArgumentException(
          "bloom bits per key must be 0..64, got " + bloomBitsPerKey);
    }
  }

  /** The defaults with another block cache size (bytes). */
  public RocksDbConfig withBlockCache(long bytes) {
    return new RocksDbConfig(bytes, writeBufferBytes, backgroundJobs, bloomBitsPerKey);
  }
}
