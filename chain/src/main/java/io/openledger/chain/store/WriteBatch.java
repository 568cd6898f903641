package io.openledger.chain.store;

/**
 * Puts and deletes across any columns, applied all together or not at all by {@link #commit}. Until
 * then nothing is visible to readers. Within a batch, a later operation on the same key wins. Not
 * thread-safe; use one batch per thread. Close it (try-with-resources) to release it; closing an
 * uncommitted batch discards it.
 *
 * <p>The byte arrays passed in must not be modified afterwards.
 */
public interface WriteBatch extends AutoCloseable {
  WriteBatch put(Column column, byte[] key, byte[] value);

  WriteBatch delete(Column column, byte[] key);

  default <K, V> WriteBatch put(TypedColumn<K, V> column, K key, V value) {
    return put(column.column(), column.keys().toBytes(key), column.values().toBytes(value));
  }

  default <K, V> WriteBatch delete(TypedColumn<K, V> column, K key) {
    return delete(column.column(), column.keys().toBytes(key));
  }

  /** Number of operations queued so far. */
  int size();

  /**
   * Applies every operation atomically. A batch can be committed once.
   *
   * @throws StorageException if the write failed; then none of it is applied
   */
  void commit(Durability durability);

  /** Commits with {@link Durability#SYNC}. */
  default void commit() {
    commit(Durability.SYNC);
  }

  @Override
  void close();
}
