package io.openledger.openlora.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Learns byte-level BPE merges from texts, the way Hugging Face's BpeTrainer does: pre-tokenize
 * each text with GPT-2's pattern, then repeatedly merge the most frequent adjacent pair (ties
 * broken by the smaller pair of token ids, so the result is a pure function of the texts).
 *
 * <p>Pair counts are kept up to date as words are rewritten, and the best pair is taken from a
 * max-heap whose stale entries are skipped when they surface, so one merge costs time in the words
 * that hold the pair, not in the number of distinct pairs (which made the first version quadratic).
 */
public final class BpeTrainer {
  private BpeTrainer() {}

  /** One learned merge: the two tokens (in the byte-level alphabet) joined into one. */
  public record Merge(String left, String right) {}

  /**
   * The learned tokens: 256 byte tokens then one per merge that made a new string, and the merges
   * in order.
   */
  public record Result(List<String> tokens, List<Merge> merges) {
    public Result {
      tokens = List.copyOf(tokens);
      merges = List.copyOf(merges);
    }
  }

  /** Learns from one text. */
  public static Result train(String corpus, int maxTokens) {
    return train(List.of(corpus), maxTokens);
  }

  /**
   * Learns from several texts, each pre-tokenized on its own (no pre-token spans two texts).
   *
   * @param maxTokens the vocabulary to learn, the 256 byte tokens included; fewer when no pair
   *     occurs twice any more
   */
  public static Result train(Iterable<String> texts, int maxTokens) {
    return learn(preTokenCounts(texts), maxTokens);
  }

  /** Unique pre-tokens (in the byte-level alphabet) with their counts, in first-seen order. */
  static Map<String, Integer> preTokenCounts(Iterable<String> texts) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String text : texts) {
      Matcher m = ByteLevel.SPLIT.matcher(text);
      while (m.find()) {
        counts.merge(ByteLevel.encode(m.group()), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** A pair's total count over the words holding it, and those words. */
  private static final class Pair {
    long count;
    final Set<Integer> words = new HashSet<>();
  }

  /** A heap entry: the pair's count when pushed (stale once the count has changed). */
  private record Candidate(long count, long pair) {}

  private static final Comparator<Candidate> MOST_FREQUENT_FIRST =
      Comparator.comparingLong(Candidate::count).reversed().thenComparingLong(Candidate::pair);

  static Result learn(Map<String, Integer> counts, int maxTokens) {
    List<String> tokens = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    for (int b = 0; b < 256; b++) {
      String s = String.valueOf(ByteLevel.charOf(b));
      ids.put(s, tokens.size());
      tokens.add(s);
    }
    int words = counts.size();
    int[][] sym = new int[words][]; // each word's current token ids
    int[] len = new int[words];
    int[] freq = new int[words];
    int w = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      String s = e.getKey();
      sym[w] = new int[s.length()];
      for (int i = 0; i < s.length(); i++) {
        sym[w][i] = ids.get(String.valueOf(s.charAt(i)));
      }
      len[w] = s.length();
      freq[w] = e.getValue();
      w++;
    }

    Map<Long, Pair> pairs = new HashMap<>();
    Set<Long> touched = new HashSet<>();
    for (int i = 0; i < words; i++) {
      addPairs(sym[i], len[i], i, freq[i], pairs, touched);
    }
    PriorityQueue<Candidate> heap = new PriorityQueue<>(MOST_FREQUENT_FIRST);
    push(touched, pairs, heap);

    List<Merge> merges = new ArrayList<>();
    while (tokens.size() < maxTokens) {
      long best = nextBest(heap, pairs);
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
      merges.add(new Merge(tokens.get(a), tokens.get(b)));
      int[] holding = pairs.get(best).words.stream().mapToInt(Integer::intValue).toArray();
      Arrays.sort(holding);
      for (int i : holding) {
        removePairs(sym[i], len[i], i, freq[i], pairs, touched);
        len[i] = mergeInPlace(sym[i], len[i], a, b, id);
        addPairs(sym[i], len[i], i, freq[i], pairs, touched);
      }
      pairs.remove(best);
      touched.remove(best);
      push(touched, pairs, heap);
    }
    return new Result(tokens, merges);
  }

  /** The most frequent pair occurring at least twice (smallest key on ties), or -1. */
  private static long nextBest(PriorityQueue<Candidate> heap, Map<Long, Pair> pairs) {
    while (!heap.isEmpty()) {
      Candidate top = heap.poll();
      Pair p = pairs.get(top.pair());
      if (p != null && p.count == top.count()) {
        return top.pair();
      }
    }
    return -1;
  }

  /** Pushes the current count of every touched pair worth a token (seen at least twice). */
  private static void push(Set<Long> touched, Map<Long, Pair> pairs, PriorityQueue<Candidate> h) {
    for (long key : touched) {
      Pair p = pairs.get(key);
      if (p != null && p.count >= 2) {
        h.add(new Candidate(p.count, key));
      }
    }
    touched.clear();
  }

  /** Replaces each (a, b) in s[0, n), left to right, by {@code id}; returns the new length. */
  private static int mergeInPlace(int[] s, int n, int a, int b, int id) {
    int out = 0;
    for (int k = 0; k < n; k++) {
      if (k + 1 < n && s[k] == a && s[k + 1] == b) {
        s[out++] = id;
        k++;
      } else {
        s[out++] = s[k];
      }
    }
    return out;
  }

  static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }

  private static void addPairs(
      int[] s, int n, int word, int f, Map<Long, Pair> pairs, Set<Long> touched) {
    for (int k = 0; k + 1 < n; k++) {
      long key = key(s[k], s[k + 1]);
      Pair p = pairs.computeIfAbsent(key, x -> new Pair());
      p.count += f;
      p.words.add(word);
      touched.add(key);
    }
  }

  private static void removePairs(
      int[] s, int n, int word, int f, Map<Long, Pair> pairs, Set<Long> touched) {
    for (int k = 0; k + 1 < n; k++) {
      long key = key(s[k], s[k + 1]);
      Pair p = pairs.get(key);
      if (p == null) {
        continue;
      }
      p.count -= f;
      p.words.remove(word);
      if (p.count <= 0) {
        pairs.remove(key);
      }
      touched.add(key);
    }
  }
}
