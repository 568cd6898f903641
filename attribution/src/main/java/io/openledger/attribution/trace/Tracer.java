package io.openledger.attribution.trace;

import io.openledger.attribution.AttributionException;
import io.openledger.attribution.PartsPerMillion;
import io.openledger.attribution.index.Shard;
import io.openledger.attribution.tokenize.TokenizedText;
import io.openledger.attribution.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Span attribution, version 1 (spec section "Tracing"): finds the maximal verbatim spans of an
 * output in the corpus, keeps those that are long enough and do not cross a sentence end, ranks
 * them by rarity, lets the rarest claim their tokens first, splits each span's mass equally among
 * the distinct contributions that contain it, and rounds to parts per million. The result depends
 * only on the output and the corpus content, not on how the corpus is split into shards.
 *
 * <p>Thread-safe: a tracer holds no mutable state; shards are read-only.
 */
public final class Tracer {
  private final List<Shard> shards;
  private final TraceParameters parameters;
  private final long corpusTokens;

  /**
   * @param shards the shards of the datanet versions the model was trained on (at least one)
   */
  public Tracer(List<Shard> shards, TraceParameters parameters) {
    if (shards.isEmpty()) {
      throw new AttributionException.InvalidInput("no index shards to trace against");
    }
    this.shards = List.copyOf(shards);
    this.parameters = parameters;
    long n = 0;
    for (Shard s : shards) {
      n += s.tokenCount();
    }
    this.corpusTokens = n;
  }

  public TraceParameters parameters() {
    return parameters;
  }

  /** Attributes one output text. */
  public TraceResult trace(String output) {
    TokenizedText tt = Tokenizer.tokenize(output);
    int len = tt.size();
    int[][] ids = shardIds(tt);
    long[] surprisal = surprisals(tt, ids);
    int[] limit = sentenceLimits(tt);

    // Longest match from every start, over all shards; ranges kept for shards reaching it.
    int[] best = new int[len];
    int[][] lengths = new int[shards.size()][len];
    long[][] ranges = new long[shards.size()][2 * len];
    long[] range = new long[2];
    for (int i = 0; i < len; i++) {
      int bestHere = 0;
      for (int s = 0; s < shards.size(); s++) {
        int m = shards.get(s).longestPrefix(ids[s], i, limit[i], range);
        lengths[s][i] = m;
        ranges[s][2 * i] = range[0];
        ranges[s][2 * i + 1] = range[1];
        bestHere = Math.max(bestHere, m);
      }
      best[i] = bestHere;
    }

    List<Candidate> kept = maximalSpans(tt, best, lengths, ranges, surprisal);
    // Rarest first; ties by position.
    List<Candidate> byRarity = new ArrayList<>(kept);
    byRarity.sort(
        (a, b) -> a.rarity != b.rarity ? Long.compare(b.rarity, a.rarity) : a.start - b.start);

    boolean[] claimed = new boolean[len];
    Map<String, Long> masses = new TreeMap<>(PartsPerMillion.CODE_POINT);
    long modelMass = 0;
    TracedSpan[] spans = new TracedSpan[byRarity.size()];
    for (int r = 0; r < byRarity.size(); r++) {
      Candidate c = byRarity.get(r);
      long mass = 0;
      int claimedTokens = 0;
      for (int i = c.start; i < c.end; i++) {
        if (!claimed[i]) {
          claimed[i] = true;
          mass += surprisal[i];
          claimedTokens++;
        }
      }
      long kept1 = discounted(mass, c.occurrences);
      List<String> contributions = c.contributions;
      long credited = 0;
      if (!contributions.isEmpty() && kept1 > 0) {
        long each = kept1 / contributions.size();
        for (String id : contributions) {
          if (each > 0) {
            masses.merge(id, each, Long::sum);
          }
        }
        credited = each * contributions.size();
      }
      modelMass += mass - credited;
      spans[r] =
          new TracedSpan(
              c.start,
              c.end,
              tt.start(c.start),
              tt.end(c.end - 1),
              output.substring(tt.start(c.start), tt.end(c.end - 1)),
              c.occurrences,
              contributions,
              c.rarity,
              r,
              claimedTokens,
              credited);
    }
    for (int i = 0; i < len; i++) {
      if (!claimed[i]) {
        modelMass += surprisal[i];
      }
    }
    List<TracedSpan> inOrder = new ArrayList<>(Arrays.asList(spans));
    inOrder.sort((a, b) -> a.startToken() - b.startToken());
    return new TraceResult(
        output,
        len,
        inOrder,
        masses,
        modelMass,
        PartsPerMillion.fromMasses(masses, modelMass),
        parameters);
  }

  // Mass a span keeps for its contributions given its occurrence count.
  private long discounted(long mass, long occurrences) {
    if (occurrences > parameters.maxOccurrences()) {
      return 0;
    }
    if (occurrences > parameters.commonOccurrences()) {
      return mass * parameters.commonOccurrences() / occurrences;
    }
    return mass;
  }

  private record Candidate(
      int start, int end, long rarity, long occurrences, List<String> contributions) {}

  private List<Candidate> maximalSpans(
      TokenizedText tt, int[] best, int[][] lengths, long[][] ranges, long[] surprisal) {
    List<Candidate> out = new ArrayList<>();
    int previousEnd = 0;
    for (int i = 0; i < best.length; i++) {
      int end = i + best[i];
      boolean maximal = best[i] > 0 && end > previousEnd;
      if (best[i] > 0) {
        previousEnd = Math.max(previousEnd, end);
      }
      if (!maximal || words(tt, i, end) < parameters.minSpanWords()) {
        continue;
      }
      long occurrences = 0;
      for (int s = 0; s < shards.size(); s++) {
        if (lengths[s][i] == best[i]) {
          occurrences += ranges[s][2 * i + 1] - ranges[s][2 * i];
        }
      }
      long rarity = 0;
      for (int k = i; k < end; k++) {
        rarity += surprisal[k];
      }
      List<String> contributions =
          occurrences > parameters.maxOccurrences()
              ? List.of()
              : contributionsOf(lengths, ranges, i, best[i]);
      out.add(new Candidate(i, end, rarity, occurrences, contributions));
    }
    return out;
  }

  private List<String> contributionsOf(int[][] lengths, long[][] ranges, int i, int length) {
    TreeSet<String> ids = new TreeSet<>(PartsPerMillion.CODE_POINT);
    for (int s = 0; s < shards.size(); s++) {
      long lo = ranges[s][2 * i];
      long hi = ranges[s][2 * i + 1];
      if (lengths[s][i] != length || hi == lo) {
        continue;
      }
      // contribution indices first (ints, sorted and deduplicated), strings only for distinct ones
      Shard shard = shards.get(s);
      int[] docs = new int[(int) (hi - lo)];
      for (long r = lo; r < hi; r++) {
        docs[(int) (r - lo)] = shard.contributionAt(shard.suffixAt(r));
      }
      Arrays.sort(docs);
      for (int k = 0; k < docs.length; k++) {
        if (k == 0 || docs[k] != docs[k - 1]) {
          ids.add(shard.contributionId(docs[k]));
        }
      }
    }
    return List.copyOf(ids);
  }

  private static int words(TokenizedText tt, int start, int end) {
    int w = 0;
    for (int i = start; i < end; i++) {
      if (tt.isWord(i)) {
        w++;
      }
    }
    return w;
  }

  // ids[s][i]: token i of the output in shard s's id space, -1 when the shard lacks it.
  private int[][] shardIds(TokenizedText tt) {
    int len = tt.size();
    int[][] ids = new int[shards.size()][len];
    for (int s = 0; s < shards.size(); s++) {
      Map<String, Integer> cache = new HashMap<>();
      Shard shard = shards.get(s);
      for (int i = 0; i < len; i++) {
        ids[s][i] = cache.computeIfAbsent(tt.token(i), shard::tokenId);
      }
    }
    return ids;
  }

  private long[] surprisals(TokenizedText tt, int[][] ids) {
    long[] out = new long[tt.size()];
    for (int i = 0; i < out.length; i++) {
      long count = 0;
      for (int s = 0; s < shards.size(); s++) {
        if (ids[s][i] > 0) {
          count += shards.get(s).count(ids[s][i]);
        }
      }
      out[i] = Rarity.surprisal(count, corpusTokens);
    }
    return out;
  }

  // limit[i]: a span starting at i may extend up to and including the next sentence end.
  private static int[] sentenceLimits(TokenizedText tt) {
    int len = tt.size();
    int[] limit = new int[len];
    int next = len;
    for (int i = len - 1; i >= 0; i--) {
      if (tt.isSentenceEnd(i)) {
        next = i + 1;
      }
      limit[i] = next;
    }
    return limit;
  }
}
