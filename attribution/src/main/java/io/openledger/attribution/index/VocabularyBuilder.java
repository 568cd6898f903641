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

  private static final int FRONT = 1 << 12;

  private long[] table = new long[1 << 16]; // 0 = empty, else hash << 32 | (offset + 1)
  private final long[] front = new long[FRONT]; // same entries, last one seen per front slot
  private char[] pool = new char[1 << 16];
  private int poolSize;
  private int[] offsets = new int[1 << 12]; // id -> pool offset
  private int size;

  int size() {
    return size;
  }

  /** The provisional id of {@code text[start, end)}, added when new. */
  int intern(String text, int start, int end) {
    return intern(text, start, end, hash(text, start, end));
  }

  /**
   * Starts loading the table slot and pool entry a token with hash {@code h} will need, and returns
   * a value to be discarded: called for the next tokens before interning them, it overlaps their
   * cache misses instead of taking them one after the other.
   */
  long touch(int h) {
    long e = table[h & (table.length - 1)];
    return e == 0 ? 0 : pool[(int) e - 1];
  }

  /** As {@link #intern(String, int, int)} with {@code h = hash(text, start, end)} given. */
  int intern(String text, int start, int end, int h) {
    long tag = (long) h << 32;
    int len = end - start;
    // Direct-mapped front cache: frequent tokens hit here, in 32 KiB, without touching the table.
    int f = (h ^ (h >>> 12)) & (FRONT - 1);
    long e = front[f];
    if ((e & 0xFFFF_FFFF_0000_0000L) == tag) {
      int o = (int) e - 1;
      if (length(o) == len && sameChars(text, start, o + HEADER, len)) {
        return (pool[o] << 16) | pool[o + 1];
      }
    }
    int mask = table.length - 1;
    int slot = h & mask;
    while (true) {
      e = table[slot];
      if (e == 0) {
        int id = add(text, start, end, tag, slot);
        front[f] = tag | (offsets[id] + 1L);
        return id;
      }
      if ((e & 0xFFFF_FFFF_0000_0000L) == tag) {
        int o = (int) e - 1;
        if (length(o) == len && sameChars(text, start, o + HEADER, len)) {
          front[f] = e;
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
    return mix(h);
  }

  /**
   * The table hash of a token from its {@link String#hashCode} ({@code 31 * h + c} over its chars),
   * for callers that computed that while reading the chars.
   */
  static int mix(int h) {
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

  Sorted finish() {
    // Sort ids by their first three UTF-16 units (a 51-bit key, radix-sorted), then each run of
    // equal keys by the rest of the token: far fewer random reads of the char pool than a
    // comparison sort of strings.
    int n = size;
    long[] keys = new long[n];
    int[] ids = new int[n];
    for (int id = 0; id < n; id++) {
      keys[id] = prefixKey(id);
      ids[id] = id;
    }
    radixSort(keys, ids);
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && keys[j] == keys[i]) {
        j++;
      }
      if (j - i > 1) {
        sortRun(ids, i, j);
      }
      i = j;
    }
    String[] tokens = new String[n];
    int[] finalIdOf = new int[n];
    for (int rank = 0; rank < n; rank++) {
      tokens[rank] = key(ids[rank]);
      finalIdOf[ids[rank]] = rank + 1;
    }
    return new Sorted(tokens, finalIdOf);
  }

  // Units 0..2 as (fixup(unit) + 1) in 17 bits each, 0 past the end: orders like the tokens.
  private long prefixKey(int id) {
    int o = offsets[id];
    int len = length(o);
    long key = 0;
    for (int k = 0; k < 3; k++) {
      long unit = k < len ? fixup(pool[o + HEADER + k]) + 1L : 0;
      key = (key << 17) | unit;
    }
    return key;
  }

  // LSD radix sort of (keys, ids) by keys (non-negative, 51 bits), 11 bits per pass.
  private static void radixSort(long[] keys, int[] ids) {
    int n = keys.length;
    long[] k2 = new long[n];
    int[] i2 = new int[n];
    for (int shift = 0; shift < 51; shift += 11) {
      int[] count = new int[(1 << 11) + 1];
      for (long k : keys) {
        count[(int) ((k >>> shift) & 0x7FF) + 1]++;
      }
      for (int c = 0; c < 1 << 11; c++) {
        count[c + 1] += count[c];
      }
      for (int i = 0; i < n; i++) {
        int d = (int) ((keys[i] >>> shift) & 0x7FF);
        int at = count[d]++;
        k2[at] = keys[i];
        i2[at] = ids[i];
      }
      System.arraycopy(k2, 0, keys, 0, n);
      System.arraycopy(i2, 0, ids, 0, n);
    }
  }

  // Insertion sort for short runs, else a comparison sort; tokens in a run share 3 units.
  private void sortRun(int[] ids, int from, int to) {
    if (to - from <= 16) {
      for (int i = from + 1; i < to; i++) {
        int x = ids[i];
        int j = i - 1;
        while (j >= from && compareIds(ids[j], x) > 0) {
          ids[j + 1] = ids[j];
          j--;
        }
        ids[j + 1] = x;
      }
      return;
    }
    Integer[] boxed = new Integer[to - from];
    for (int i = from; i < to; i++) {
      boxed[i - from] = ids[i];
    }
    Arrays.sort(boxed, this::compareIds);
    for (int i = from; i < to; i++) {
      ids[i] = boxed[i - from];
    }
  }

  private int compareIds(int a, int b) {
    int oa = offsets[a];
    int ob = offsets[b];
    int la = length(oa);
    int lb = length(ob);
    int n = Math.min(la, lb);
    for (int i = 0; i < n; i++) {
      char x = pool[oa + HEADER + i];
      char y = pool[ob + HEADER + i];
      if (x != y) {
        return fixup(x) - fixup(y);
      }
    }
    return la - lb;
  }

  // UTF-16 unit -> a key in code point order: units D800..DFFF (surrogates, which encode code
  // points above FFFF) sort above E000..FFFF.
  private static int fixup(char c) {
    return c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
  }
}
