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
    int n = size;
    int[] ids = new int[n];
    for (int id = 0; id < n; id++) {
      ids[id] = id;
    }
    long[] keys = new long[n];
    long[] next = new long[n];
    long[] k2 = new long[n];
    int[] i2 = new int[n];
    // The first two chunks of every token read in id order, front to back through the char pool;
    // the second rides along the first level's sort, so only tokens sharing 8 units read the pool
    // again, at random.
    for (int id = 0; id < n; id++) {
      keys[id] = chunkKey(id, 0);
      next[id] = chunkKey(id, CHUNK);
    }
    sortRange(ids, keys, next, k2, i2, 0, n, 0, true);
    String[] tokens = new String[n];
    int[] finalIdOf = new int[n];
    for (int rank = 0; rank < n; rank++) {
      finalIdOf[ids[rank]] = rank + 1;
    }
    for (int id = 0; id < n; id++) { // in id order: the char pool is read front to back
      tokens[finalIdOf[id] - 1] = key(id);
    }
    return new Sorted(tokens, finalIdOf);
  }

  // Units per radix level; past MAX_RADIX_DEPTH units a run is sorted by comparisons.
  private static final int CHUNK = 4;

  private static final int MAX_RADIX_DEPTH = 16 * CHUNK;

  /**
   * Sorts {@code ids[from, to)}, tokens that share their first {@code depth} UTF-16 units, by the
   * rest: an MSD radix sort on four units at a time (a 64-bit key), each run of equal keys sorted
   * again by the next four. Far fewer random reads of the char pool than a comparison sort, also
   * when many tokens share long prefixes. With {@code keyed}, {@code keys} holds the range's keys
   * already; {@code next}, when given, holds the next level's keys, which move along with the sort.
   * {@code k2} and {@code i2} are scratch.
   */
  private void sortRange(
      int[] ids,
      long[] keys,
      long[] next,
      long[] k2,
      int[] i2,
      int from,
      int to,
      int depth,
      boolean keyed) {
    if (to - from <= 16 || depth >= MAX_RADIX_DEPTH) {
      sortRun(ids, from, to);
      return;
    }
    if (!keyed) {
      for (int i = from; i < to; i++) {
        keys[i] = chunkKey(ids[i], depth);
      }
    }
    radixSort(ids, keys, next, k2, i2, from, to);
    for (int i = from; i < to; ) {
      long k = keys[i];
      int j = i + 1;
      while (j < to && keys[j] == k) {
        j++;
      }
      // equal keys ending inside the chunk would be equal tokens, which the table never holds
      if (j - i > 1 && (k & 0xFFFF) != 0) {
        if (next != null) {
          System.arraycopy(next, i, keys, i, j - i);
        }
        sortRange(ids, keys, null, k2, i2, i, j, depth + CHUNK, next != null);
      }
      i = j;
    }
  }

  // Units depth..depth+3 as fixup(unit) in 16 bits each, 0 past the end, compared unsigned: orders
  // like the tokens' rests (a token never holds U+0000, a control character, so no unit is 0).
  private long chunkKey(int id, int depth) {
    int o = offsets[id];
    int len = length(o);
    long key = 0;
    for (int k = depth; k < depth + CHUNK; k++) {
      long unit = k < len ? fixup(pool[o + HEADER + k]) : 0;
      key = (key << 16) | unit;
    }
    return key;
  }

  // LSD radix sort of (keys, ids, payload when given)[from, to) by keys as unsigned, a byte per
  // pass; the passes of bytes that are the same in every key (the high bytes of ASCII units) are
  // skipped.
  private static void radixSort(
      int[] ids, long[] keys, long[] payload, long[] k2, int[] i2, int from, int to) {
    long[] p2 = payload == null ? null : new long[to - from];
    int n = to - from;
    int[] count = new int[8 * 257];
    for (int i = from; i < to; i++) {
      long k = keys[i];
      for (int b = 0; b < 8; b++) {
        count[b * 257 + (int) ((k >>> (8 * b)) & 0xFF) + 1]++;
      }
    }
    for (int b = 0; b < 8; b++) {
      int base = b * 257;
      int shift = 8 * b;
      if (count[base + (int) ((keys[from] >>> shift) & 0xFF) + 1] == n) {
        continue;
      }
      for (int c = 0; c < 256; c++) {
        count[base + c + 1] += count[base + c];
      }
      for (int i = from; i < to; i++) {
        int at = from + count[base + (int) ((keys[i] >>> shift) & 0xFF)]++;
        k2[at] = keys[i];
        i2[at] = ids[i];
        if (p2 != null) {
          p2[at - from] = payload[i];
        }
      }
      System.arraycopy(k2, from, keys, from, n);
      System.arraycopy(i2, from, ids, from, n);
      if (p2 != null) {
        System.arraycopy(p2, 0, payload, from, n);
      }
    }
  }

  // Insertion sort for short runs, else a comparison sort.
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
