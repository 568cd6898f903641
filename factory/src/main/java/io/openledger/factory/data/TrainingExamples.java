package io.openledger.factory.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Documents cut into training sequences, split into a training and a held-out set.
 *
 * <p>Each document becomes the stream {@code [bos] text [eos]} (see {@link DocumentTokenizer}), cut
 * into windows of at most {@code seqLen} tokens that overlap by one token: window k starts at
 * {@code k * (seqLen - 1)}, so every token after the first is predicted exactly once, with the
 * window's earlier tokens as context. A window never crosses into another document. Which set a
 * window belongs to is decided by a seeded hash of its (contribution, window index), so the split
 * does not depend on the order of documents, on the other documents, or on the machine.
 *
 * @param train the sequences trained on, in document order then window order
 * @param heldOut the sequences evaluated on, in the same order
 * @param tokensByContribution per contribution id: the tokens of its text (specials not counted,
 *     held-out windows included), the weights of the token-share fee split
 */
public record TrainingExamples(
    List<Example> train, List<Example> heldOut, SortedMap<Long, Long> tokensByContribution) {

  public TrainingExamples {
    train = List.copyOf(train);
    heldOut = List.copyOf(heldOut);
    tokensByContribution = Collections.unmodifiableSortedMap(new TreeMap<>(tokensByContribution));
  }

  /**
   * Tokenizes and cuts {@code documents}.
   *
   * @param seqLen tokens per sequence at most (at least 2: one context token, one target)
   * @param heldOutFraction the expected share of windows held out, in [0, 1)
   * @param seed the split's seed
   * @throws IllegalArgumentException when a contribution id appears in two documents (the same
   *     contribution would be trained on twice), naming it
   */
  public static TrainingExamples cut(
      List<Document> documents,
      DocumentTokenizer tokenizer,
      int seqLen,
      double heldOutFraction,
      long seed) {
    if (seqLen < 2) {
      throw new IllegalArgumentException("seqLen must be at least 2, got " + seqLen);
    }
    if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
      throw new IllegalArgumentException(
          "heldOutFraction must be in [0, 1), got " + heldOutFraction);
    }
    Map<Long, Document> seen = new HashMap<>();
    SortedMap<Long, Long> tokens = new TreeMap<>();
    List<Example> train = new ArrayList<>();
    List<Example> heldOut = new ArrayList<>();
    for (Document d : documents) {
      Document before = seen.putIfAbsent(d.contributionId(), d);
      if (before != null) {
        throw new IllegalArgumentException(
            "contribution "
                + d.contributionId()
                + " appears twice (datanet "
                + before.datanetId()
                + " v"
                + before.version()
                + " and datanet "
                + d.datanetId()
                + " v"
                + d.version()
                + ")");
      }
      int[] stream = tokenizer.stream(d.text());
      int specials = (tokenizer.bos().isPresent() ? 1 : 0) + 1;
      tokens.put(d.contributionId(), (long) (stream.length - specials));
      for (Example e : windows(d, stream, seqLen)) {
        (isHeldOut(seed, e.contributionId(), e.chunk(), heldOutFraction) ? heldOut : train).add(e);
      }
    }
    return new TrainingExamples(train, heldOut, tokens);
  }

  /**
   * The windows of one document's token stream: at most {@code seqLen} tokens each, overlapping by
   * one, together predicting every token after the first once. A stream of fewer than two tokens
   * gives none.
   */
  public static List<Example> windows(Document d, int[] stream, int seqLen) {
    List<Example> out = new ArrayList<>();
    int stride = seqLen - 1;
    for (int from = 0; from + 1 < stream.length; from += stride) {
      int to = Math.min(stream.length, from + seqLen);
      out.add(
          new Example(
              d.datanetId(),
              d.version(),
              d.contributionId(),
              out.size(),
              Arrays.copyOfRange(stream, from, to)));
    }
    return out;
  }

  /**
   * Whether window {@code chunk} of {@code contributionId} is held out: a uniform draw in [0, 1)
   * from a SplitMix64 hash of (seed, contribution, window) below {@code fraction}.
   */
  public static boolean isHeldOut(long seed, long contributionId, int chunk, double fraction) {
    long h = mix(seed ^ 0x6f70656e6c656467L); // "openledg"
    h = mix(h + contributionId * 0x9E3779B97F4A7C15L);
    h = mix(h + (chunk + 1L) * 0xC2B2AE3D27D4EB4FL);
    double u = (h >>> 11) * 0x1.0p-53;
    return u < fraction;
  }

  /** SplitMix64's finalizer (Steele, Lea and Flood 2014). */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Tokens predicted in the training set. */
  public long trainTargets() {
    return targets(train);
  }

  /** Tokens predicted in the held-out set. */
  public long heldOutTargets() {
    return targets(heldOut);
  }

  private static long targets(List<Example> examples) {
    long n = 0;
    for (Example e : examples) {
      n += e.targets();
    }
    return n;
  }
}
