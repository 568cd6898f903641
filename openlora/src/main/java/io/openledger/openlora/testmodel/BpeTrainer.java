package io.openledger.openlora.testmodel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Learns byte-level BPE merges from a corpus, the way Hugging Face's BpeTrainer does: pre-tokenize
 * with GPT-2's pattern, then repeatedly merge the most frequent adjacent pair (ties broken by the
 * pair's token ids, so the result is a pure function of the corpus).
 */
final class BpeTrainer {
  private BpeTrainer() {}

  /** The learned tokens: 256 byte tokens then one per merge, and the merges in order. */
  record Result(List<String> tokens, List<String[]> merges) {}

  static Result train(String corpus, int maxTokens) {
    // unique pre-tokens with counts, in first-seen order
    Map<String, Integer> counts = new LinkedHashMap<>();
    Matcher m = ByteLevel.SPLIT.matcher(corpus);
    while (m.find()) {
      counts.merge(ByteLevel.encode(m.group()), 1, Integer::sum);
    }

    List<String> tokens = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    for (int b = 0; b < 256; b++) {
      String s = String.valueOf(ByteLevel.charOf(b));
      ids.put(s, tokens.size());
      tokens.add(s);
    }
    int words = counts.size();
    int[][] sym = new int[words][];
    int[] freq = new int[words];
    int w = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      String s = e.getKey();
      sym[w] = new int[s.length()];
      for (int i = 0; i < s.length(); i++) {
        sym[w][i] = ids.get(String.valueOf(s.charAt(i)));
      }
      freq[w++] = e.getValue();
    }
    int[] len = new int[words];
    for (int i = 0; i < words; i++) {
      len[i] = sym[i].length;
    }

    Map<Long, Long> pairCount = new HashMap<>();
    Map<Long, Set<Integer>> where = new HashMap<>();
    for (int i = 0; i < words; i++) {
      addPairs(sym[i], len[i], i, freq[i], pairCount, where);
    }

    List<String[]> merges = new ArrayList<>();
    while (tokens.size() < maxTokens) {
      long best = -1;
      long bestCount = 0;
      for (Map.Entry<Long, Long> e : pairCount.entrySet()) {
        long c = e.getValue();
        if (c < 2) {
          continue;
        } // a pair must occur at least twice to be worth a token
        if (c > bestCount || (c == bestCount && e.getKey() < best)) {
          best = e.getKey();
          bestCount = c;
        }
      }
      if (best < 0) {
        break;
      }
      int a = (int) (best >>> 32);
      int b = (int) best;
      String merged = tokens.get(a) + tokens.get(b);
      Integer existing = ids.get(merged); // another split may already have made this string
      int id = existing != null ? existing : tokens.size();
      if (existing == null) {
        ids.put(merged, id);
        tokens.add(merged);
      }
      merges.add(new String[] {tokens.get(a), tokens.get(b)});
      // rewrite the words holding the pair (sorted for determinism)
      for (int i : new TreeMap<Integer, Boolean>(toMap(where.get(best))).keySet()) {
        removePairs(sym[i], len[i], i, freq[i], pairCount, where);
        int out = 0;
        for (int k = 0; k < len[i]; k++) {
          if (k + 1 < len[i] && sym[i][k] == a && sym[i][k + 1] == b) {
            sym[i][out++] = id;
            k++;
          } else {
            sym[i][out++] = sym[i][k];
          }
        }
        len[i] = out;
        addPairs(sym[i], len[i], i, freq[i], pairCount, where);
      }
      pairCount.remove(best);
      where.remove(best);
    }
    return new Result(tokens, merges);
  }

  private static Map<Integer, Boolean> toMap(Set<Integer> s) {
    Map<Integer, Boolean> m = new HashMap<>();
    if (s != null) {
      for (int i : s) {
        m.put(i, true);
      }
    }
    return m;
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }

  private static void addPairs(
      int[] s, int n, int word, int f, Map<Long, Long> count, Map<Long, Set<Integer>> where) {
    for (int k = 0; k + 1 < n; k++) {
      long p = key(s[k], s[k + 1]);
      count.merge(p, (long) f, Long::sum);
      where.computeIfAbsent(p, x -> new HashSet<>()).add(word);
    }
  }

  private static void removePairs(
      int[] s, int n, int word, int f, Map<Long, Long> count, Map<Long, Set<Integer>> where) {
    for (int k = 0; k + 1 < n; k++) {
      long p = key(s[k], s[k + 1]);
      Long c = count.get(p);
      if (c == null) {
        continue;
      }
      if (c - f <= 0) {
        count.remove(p);
      } else {
        count.put(p, c - f);
      }
      Set<Integer> ws = where.get(p);
      if (ws != null) {
        ws.remove(word);
      }
    }
  }
}
