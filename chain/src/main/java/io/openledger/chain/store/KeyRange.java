package io.openledger.chain.store;

/**
 * A range of keys in unsigned lexicographic byte order: {@code from} inclusive, {@code to}
 * exclusive; a {@code null} bound is open.
 */
public record KeyRange(byte[] from, byte[] to) {
  private static final KeyRange ALL = new KeyRange(null, null);

  public KeyRange {
    from = from == null ? null : from.clone();
    to = to == null ? null : to.clone();
  }

  /** Every key of the column. */
  public static KeyRange all() {
    return ALL;
  }

  /** Every key that starts with {@code prefix}. */
  public static KeyRange prefix(byte[] prefix) {
    return new KeyRange(prefix.length == 0 ? null : prefix, Keys.prefixEnd(prefix));
  }

  /** Keys k with from <= k < to. */
  public static KeyRange between(byte[] fromInclusive, byte[] toExclusive) {
    return new KeyRange(fromInclusive, toExclusive);
  }

  /** Keys k >= from. */
  public static KeyRange from(byte[] fromInclusive) {
    return new KeyRange(fromInclusive, null);
  }

  /** Whether {@code key} lies in this range. */
  public boolean contains(byte[] key) {
    return (from == null || java.util.Arrays.compareUnsigned(key, from) >= 0)
        && (to == null || java.util.Arrays.compareUnsigned(key, to) < 0);
  }
}
