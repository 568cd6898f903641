package io.openledger.attribution.dedup;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import io.openledger.attribution.tokenize.TokenizedText;
import io.openledger.attribution.tokenize.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The shingles of a text (spec section 8): its WORD tokens lower-cased (root locale), five in a
 * row, each hashed with XXH3-64 (seed 0) over the words joined by single spaces in UTF-8.
 */
final class Shingles {
  static final int WORDS = 5;
  private static final Hasher64 XXH3 = Hashing.xxh3_64();

  private Shingles() {}

  /** Distinct shingle hashes, sorted; empty when the text has no word. */
  static long[] of(String text) {
    TokenizedText tt = Tokenizer.tokenize(text);
    String[] words = new String[tt.size()];
    int n = 0;
    for (int i = 0; i < tt.size(); i++) {
      if (tt.isWord(i)) {
        words[n++] = tt.token(i).toLowerCase(Locale.ROOT);
      }
    }
    if (n == 0) {
      return new long[0];
    }
    int count = Math.max(1, n - WORDS + 1);
    long[] hashes = new long[count];
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < count; s++) {
      sb.setLength(0);
      for (int k = s; k < Math.min(n, s + WORDS); k++) {
        if (k > s) {
          sb.append(' ');
        }
        sb.append(words[k]);
      }
      hashes[s] = XXH3.hashBytesToLong(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    Arrays.sort(hashes);
    int distinct = 0;
    for (int i = 0; i < hashes.length; i++) {
      if (i == 0 || hashes[i] != hashes[i - 1]) {
        hashes[distinct++] = hashes[i];
      }
    }
    return Arrays.copyOf(hashes, distinct);
  }
}
