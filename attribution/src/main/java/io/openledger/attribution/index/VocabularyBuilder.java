package io.openledger.attribution.index;

import java.util.Arrays;

/**
 * Interns token strings to provisional ids (first-seen order). Built for speed on the index build's
 * hot path: the open-addressing table holds {@code hash << 32 | offset} in one long, so a probe
 * compares hashes without leaving the table, and each entry's id, length and chars sit together in
 * one char pool, so a hit costs at most two cache misses and no allocation. {@link #finish} then
 * gives the final ids: 1 + rank of the token in code point order.
 *
 * <p>Pool entry at offset o: {@code pool[o..o+1]} the id, {@code pool[o+2..o+3]} the length (both
 * as two chars, high first), then the chars.
 */
final class VocabularyBuilder {
  private static final int HEADER = 4;

  private long[] table = new long[1 << 16]; // 0 = empty, else hash << 32 | (offset + 1)
  private char[] pool = new char[1 << 16];
  private int poolSize;
  private int[] offsets = new int[1 << 12]; // id -> pool offset
  private int size;

  int size() {
    return size;
  }

  /** The provisional id of {@code text[start, end)}, added when new. */
  int intern(String text, int start, int end) {
    int h = hash(text, start, end);
    long tag = (long) h << 32;
    int mask = table.length - 1;
    int slot = h & mask;
    int len = end - start;
    while (true) {
      long e = table[slot];
      if (e == 0) {
        return add(text, start, end, tag, slot);
      }
      if ((e & 0xFFFF_FFFF_0000_0000L) == tag) {
        int o = (int) e - 1;
        if (length(o) == len && sameChars(text, start, o + HEADER, len)) {
          return (pool[o] << 16) | pool[o + 1];
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  private int length(int o) {
    return (pool[o + 2] << 16) | pool[o + 3];
  }

  private boolean sameChars(String text, int start, int at, int len) {
    for (int i = 0; i < len; i++) {
      if (pool[at + i] != text.charAt(start + i)) {
        return false;
      }
    }
    return true;
  }

  private int add(String text, int start, int end, long tag, int slot) {
    int len = end - start;
    if (poolSize + HEADER + len > pool.length) {
      pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + HEADER + len));
    }
    int o = poolSize;
    int id = size;
    pool[o] = (char) (id >>> 16);
    pool[o + 1] = (char) id;
    pool[o + 2] = (char) (len >>> 16);
    pool[o + 3] = (char) len;
    text.getChars(start, end, pool, o + HEADER);
    poolSize += HEADER + len;
    if (id == offsets.length) {
      offsets = Arrays.copyOf(offsets, id * 2);
    }
    offsets[id] = o;
    table[slot] = tag | (o + 1L);
    size++;
    if (size * 2 > table.length) {
      rehash();
    }
    return id;
  }

  private void rehash() {
    long[] t = new long[table.length * 2];
    int mask = t.length - 1;
    for (long e : table) {
      if (e == 0) {
        continue;
      }
      int slot = (int) (e >>> 32) & mask;
      while (t[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      t[slot] = e;
    }
    table = t;
  }

  static int hash(String s, int start, int end) {
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + s.charAt(i);
    }
    // murmur3 finalizer: spreads the bits so linear probing stays short
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** The token with provisional id {@code id}. */
  String key(int id) {
    int o = offsets[id];
    return new String(pool, o + HEADER, length(o));
  }

  /** The final vocabulary: tokens sorted by code point, and the map provisional id -> final id. */
  record Sorted(String[] tokens, int[] finalIdOf) {}

  Sorted finish(boolean parallel) {
    String[] tokens = new String[size];
    for (int id = 0; id < size; id++) {
      tokens[id] = key(id);
    }
    if (parallel) {
      Arrays.parallelSort(tokens, VocabularyBuilder::compareCodePoints);
    } else {
      Arrays.sort(tokens, VocabularyBuilder::compareCodePoints);
    }
    int[] finalIdOf = new int[size];
    for (int rank = 0; rank < size; rank++) {
      String t = tokens[rank];
      finalIdOf[intern(t, 0, t.length())] = rank + 1;
    }
    return new Sorted(tokens, finalIdOf);
  }

  /**
   * Code point order of two strings, comparing UTF-16 units with the surrogate fix-up (units
   * D800..DFFF sort above E000..FFFF, as the code points they encode do).
   */
  static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x >= 0xD800 && y >= 0xD800) {
          return fixup(x) - fixup(y);
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  private static int fixup(char c) {
    return c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
  }
}
