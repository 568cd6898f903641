package io.openledger.openlora.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The judge of {@link BpeTrainer}: the same merges found the obvious way, by rescanning every
 * word's pairs for each merge (quadratic, fine for test-sized texts).
 */
final class NaiveBpeTrainer {
  private NaiveBpeTrainer() {}

  static BpeTrainer.Result train(Iterable<String> texts, int maxTokens) {
    Map<String, Integer> counts = BpeTrainer.preTokenCounts(texts);
    List<String> tokens = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    for (int b = 0; b < 256; b++) {
      String s = String.valueOf(ByteLevel.charOf(b));
      ids.put(s, tokens.size());
      tokens.add(s);
    }
    List<int[]> words = new ArrayList<>();
    List<Integer> freq = new ArrayList<>();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      String s = e.getKey();
      int[] w = new int[s.length()];
      for (int i = 0; i < s.length(); i++) {
        w[i] = ids.get(String.valueOf(s.charAt(i)));
      }
      words.add(w);
      freq.add(e.getValue());
    }
    List<BpeTrainer.Merge> merges = new ArrayList<>();
    while (tokens.size() < maxTokens) {
      Map<Long, Long> pairCount = new HashMap<>();
      for (int i = 0; i < words.size(); i++) {
        int[] w = words.get(i);
        for (int k = 0; k + 1 < w.length; k++) {
          pairCount.merge(BpeTrainer.key(w[k], w[k + 1]), (long) freq.get(i), Long::sum);
        }
      }
      long best = -1;
      long bestCount = 1; // a pair must occur at least twice to be worth a token
      for (Map.Entry<Long, Long> e : pairCount.entrySet()) {
        long c = e.getValue();
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
      int id = ids.computeIfAbsent(merged, x -> tokens.size());
      if (id == tokens.size()) {
        tokens.add(merged);
      }
      merges.add(new BpeTrainer.Merge(tokens.get(a), tokens.get(b)));
      for (int i = 0; i < words.size(); i++) {
        int[] w = words.get(i);
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < w.length; k++) {
          if (k + 1 < w.length && w[k] == a && w[k + 1] == b) {
            out.add(id);
            k++;
          } else {
            out.add(w[k]);
          }
        }
        words.set(i, out.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    return new BpeTrainer.Result(tokens, merges);
  }
}
