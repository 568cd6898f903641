package io.openledger.attribution.index;

import java.util.Arrays;

/**
 * Interns token strings to provisional ids (first-seen order) with an open-addressing hash table
 * that hashes the chars in place, so a repeated token costs no allocation. {@link #finish()} then
 * gives the final ids: 1 + rank of the token in code point order.
 */
final class VocabularyBuilder {
  private int[] table = new int[1 << 16]; // provisional id + 1, 0 = empty
  private String[] keys = new String[1 << 15];
  private int[] hashes = new int[1 << 15];
  private int size;

  int size() {
    return size;
  }

  /** The provisional id of {@code text[start, end)}, added when new. */
  int intern(String text, int start, int end) {
    return intern(text, start, end, hash(text, start, end));
  }

  /** As {@link #intern(String, int, int)} with {@code h = hash(text, start, end)} given. */
  int intern(String text, int start, int end, int h) {
    int mask = table.length - 1;
    int slot = h & mask;
    int len = end - start;
    while (true) {
      int e = table[slot];
      if (e == 0) {
        return add(text.substring(start, end), h, slot);
      }
      int id = e - 1;
      if (hashes[id] == h) {
        String k = keys[id];
        if (k.length() == len && text.regionMatches(start, k, 0, len)) {
          return id;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  private int add(String key, int h, int slot) {
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      hashes = Arrays.copyOf(hashes, size * 2);
    }
    keys[size] = key;
    hashes[size] = h;
    table[slot] = size + 1;
    size++;
    if (size * 2 > table.length) {
      rehash();
    }
    return size - 1;
  }

  private void rehash() {
    int[] t = new int[table.length * 2];
    int mask = t.length - 1;
    for (int id = 0; id < size; id++) {
      int slot = hashes[id] & mask;
      while (t[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      t[slot] = id + 1;
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

  /** The final vocabulary: tokens sorted by code point, and the map provisional id -> final id. */
  record Sorted(String[] tokens, int[] finalIdOf) {}

  /** The token with provisional id {@code id}. */
  String key(int id) {
    return keys[id];
  }

  Sorted finish(boolean parallel) {
    String[] tokens = Arrays.copyOf(keys, size);
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
