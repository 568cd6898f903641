package io.openledger.attribution.index;

import io.openledger.attribution.PartsPerMillion;
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

  Sorted finish() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> PartsPerMillion.CODE_POINT.compare(keys[a], keys[b]));
    String[] tokens = new String[size];
    int[] finalIdOf = new int[size];
    for (int rank = 0; rank < size; rank++) {
      tokens[rank] = keys[order[rank]];
      finalIdOf[order[rank]] = rank + 1;
    }
    return new Sorted(tokens, finalIdOf);
  }
}
