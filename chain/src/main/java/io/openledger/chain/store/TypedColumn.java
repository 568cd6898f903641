package io.openledger.chain.store;

import java.util.Objects;

/**
 * A {@link Column} with the types of its keys and values, so the compiler checks what is stored
 * where (Teku's {@code KvStoreColumn}). Declare them once as constants, e.g.
 *
 * <pre>{@code
 * static final TypedColumn<Long, Hash> STATE_ROOTS =
 *     TypedColumn.of(Column.STATE_META, Serializer.LONG, Serializer.HASH);
 * }</pre>
 */
public record TypedColumn<K, V>(Column column, Serializer<K> keys, Serializer<V> values) {
  public TypedColumn {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
  }

  public static <K, V> TypedColumn<K, V> of(
      Column column, Serializer<K> keys, Serializer<V> values) {
    return new TypedColumn<>(column, keys, values);
  }
}
