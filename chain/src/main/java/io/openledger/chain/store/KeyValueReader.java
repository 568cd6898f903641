package io.openledger.chain.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Read access to the store: the live store or a {@link Snapshot}. Thread-safe. */
public interface KeyValueReader {
  /** The value under {@code key} in {@code column}, if any. The array belongs to the caller. */
  Optional<byte[]> get(Column column, byte[] key);

  /** Whether {@code key} is present in {@code column}. */
  default boolean containsKey(Column column, byte[] key) {
    return get(column, key).isPresent();
  }

  /** Typed read. */
  default <K, V> Optional<V> get(TypedColumn<K, V> column, K key) {
    return get(column.column(), column.keys().toBytes(key)).map(column.values()::fromBytes);
  }

  /**
   * The entries of {@code column} whose keys lie in {@code range}, in ascending unsigned byte
   * order. On the live store, concurrent writes may or may not be seen; use a {@link Snapshot} for
   * a consistent view.
   */
  KeyValueCursor iterate(Column column, KeyRange range);

  /** Convenience: at most {@code limit} entries of {@code range}, in key order. */
  default List<KeyValue> scan(Column column, KeyRange range, int limit) {
    List<KeyValue> out = new ArrayList<>();
    try (KeyValueCursor c = iterate(column, range)) {
      while (out.size() < limit && c.hasNext()) {
        out.add(c.next());
      }
    }
    return out;
  }
}
