package io.openledger.chain.store;

/** Byte-order helpers for building keys. */
public final class Keys {
  private Keys() {}

  /** 8 bytes big-endian, so that unsigned byte order equals numeric order for n >= 0. */
  public static byte[] longKey(long n) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) n;
      n >>>= 8;
    }
    return b;
  }

  /** Reads {@link #longKey}'s encoding. */
  public static long readLong(byte[] b) {
    if (b.length != 8) {
      throw new IllegalArgumentException("a long key is 8 bytes, got " + b.length);
    }
    long n = 0;
    for (byte x : b) {
      n = (n << 8) | (x & 0xff);
    }
    return n;
  }

  /**
   * The smallest key greater than every key starting with {@code prefix}, or {@code null} when
   * there is none (the prefix is empty or all 0xff).
   */
  public static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return java.util.Arrays.copyOf(end, i + 1);
      }
    }
    return null;
  }
}
