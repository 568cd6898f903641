package io.openledger.node.blob;

/**
 * A {@code Range} request header against a blob of known size (RFC 9110 section 14), one range
 * only: {@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}. As the RFC allows, a header this
 * server does not serve as a range (another unit, several ranges, bad syntax) is ignored and the
 * whole blob is sent.
 */
sealed interface ByteRange {

  /** No usable range: send the whole blob with 200. */
  record Whole() implements ByteRange {}

  /** Bytes {@code first..last} inclusive: send them with 206. */
  record Slice(long first, long last) implements ByteRange {
    long length() {
      return last - first + 1;
    }
  }

  /** A range that starts past the end (or an empty suffix): answer 416. */
  record Unsatisfiable() implements ByteRange {}

  static ByteRange parse(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    String h = header.strip();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return new Whole();
    }
    String spec = h.substring(6).strip();
    int dash = spec.indexOf('-');
    if (spec.contains(",") || dash < 0) {
      return new Whole();
    }
    String a = spec.substring(0, dash).strip();
    String b = spec.substring(dash + 1).strip();
    if (a.isEmpty()) { // suffix: the last n bytes
      long n = digits(b);
      if (n < 0) {
        return new Whole();
      }
      return n == 0 || size == 0 ? new Unsatisfiable() : new Slice(Math.max(0, size - n), size - 1);
    }
    long first = digits(a);
    long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
    if (first < 0 || last < 0 || last < first) {
      return new Whole();
    }
    if (first >= size) {
      return new Unsatisfiable();
    }
    return new Slice(first, Math.min(last, size - 1));
  }

  /** A non-negative decimal, saturating at {@link Long#MAX_VALUE}; -1 if not digits. */
  private static long digits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d;
    }
    return v;
  }
}
