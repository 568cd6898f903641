package io.openledger.attribution.bench;

import io.openledger.attribution.index.Contribution;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Deterministic English-like text for benchmarks and tests: words drawn from a Zipf distribution
 * (exponent 1.0) over a fixed vocabulary of made-up words, in sentences of 5 to 24 words with
 * commas, ending in a period; contributions of 60 to 1,200 tokens. The same seed gives the same
 * text on every machine.
 */
public final class SyntheticCorpus {
  private final String[] words;
  private final double[] cumulative;
  private final long seed;

  /**
   * @param vocabulary number of distinct words
   * @param seed seed of the text (the vocabulary uses a fixed seed of its own)
   */
  public SyntheticCorpus(int vocabulary, long seed) {
    this.seed = seed;
    this.words = new String[vocabulary];
    SplittableRandom r = new SplittableRandom(0x5EED_0F_70CE_2026L);
    java.util.HashSet<String> seen = new java.util.HashSet<>();
    String letters = "etaoinshrdlcumwfgypbvkjxqz";
    for (int i = 0; i < vocabulary; i++) {
      String w;
      do {
        int len = 2 + r.nextInt(Math.min(9, 2 + i / 50 + 1));
        StringBuilder sb = new StringBuilder(len);
        for (int k = 0; k < len; k++) {
          // skewed towards frequent letters
          int a = r.nextInt(letters.length());
          int b = r.nextInt(letters.length());
          sb.append(letters.charAt(Math.min(a, b)));
        }
        w = sb.toString();
      } while (!seen.add(w));
      words[i] = w;
    }
    cumulative = new double[vocabulary];
    double sum = 0;
    for (int i = 0; i < vocabulary; i++) {
      sum += 1.0 / (i + 1);
      cumulative[i] = sum;
    }
    for (int i = 0; i < vocabulary; i++) {
      cumulative[i] /= sum;
    }
  }

  /** A word drawn from the Zipf distribution. */
  public String word(SplittableRandom r) {
    double u = r.nextDouble();
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return words[lo];
  }

  /** A sentence of 5..24 words; returns the number of tokens appended. */
  public int sentence(SplittableRandom r, StringBuilder out) {
    int n = 5 + r.nextInt(20);
    int tokens = 0;
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(' ');
      }
      String w = word(r);
      if (i == 0) {
        out.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
      } else {
        out.append(w);
      }
      tokens++;
      if (i > 0 && i < n - 1 && r.nextInt(8) == 0) {
        out.append(',');
        tokens++;
      }
    }
    out.append(". ");
    return tokens + 1;
  }

  /** Contributions {@code doc-0000000, doc-0000001, ...} totalling at least {@code tokens}. */
  public Iterator<Contribution> contributions(long tokens) {
    return new Iterator<>() {
      private final SplittableRandom r = new SplittableRandom(seed);
      private long made;
      private int index;

      @Override
      public boolean hasNext() {
        return made < tokens;
      }

      @Override
      public Contribution next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int target = 60 + r.nextInt(1141);
        StringBuilder sb = new StringBuilder(target * 7);
        int t = 0;
        while (t < target) {
          t += sentence(r, sb);
        }
        made += t;
        return new Contribution(String.format("doc-%07d", index++), sb.toString());
      }
    };
  }
}
