package io.openledger.attribution.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SA-IS agrees with a naive sort of the suffixes on random and adversarial texts, with the
 * sequential induction loops (alone or with the range loops on several threads) and with the
 * block-parallel induction on 1 and 2 threads; and the parallel build agrees with the sequential
 * one on texts long enough for several blocks.
 */
class SuffixArraysTest {

  private static void assertAgrees(int[] text, int maxToken, String what) {
    int[] expected = SuffixArrays.naive(text);
    assertThat(SuffixArrays.build(text, maxToken)).as(what).isEqualTo(expected);
    for (int threads = 1; threads <= 2; threads++) {
      assertThat(SuffixArrays.buildBlocked(text, maxToken, threads))
          .as(what + ", blocked induction on " + threads + " threads")
          .isEqualTo(expected);
      assertThat(SuffixArrays.buildWithRangeLoops(text, maxToken, threads))
          .as(what + ", range loops on " + threads + " threads")
          .isEqualTo(expected);
    }
  }

  /** The parallel build against the sequential one: long texts, many blocks per scan. */
  private static void assertParallelAgrees(int[] text, int maxToken, String what) {
    int[] original = text.clone();
    int[] expected = SuffixArrays.build(text, maxToken);
    for (int threads = 1; threads <= 3; threads++) {
      assertThat(SuffixArrays.build(text, maxToken, threads))
          .as(what + ", " + threads + " threads")
          .isEqualTo(expected);
      assertThat(SuffixArrays.buildBlocked(text, maxToken, threads))
          .as(what + ", blocked induction on " + threads + " threads")
          .isEqualTo(expected);
      assertThat(SuffixArrays.buildWithRangeLoops(text, maxToken, threads))
          .as(what + ", range loops on " + threads + " threads")
          .isEqualTo(expected);
    }
    int[] work = Arrays.copyOf(text, text.length + 5);
    assertThat(SuffixArrays.buildInPlace(work, text.length, maxToken, 2))
        .as(what + ", in place on 2 threads")
        .isEqualTo(expected);
    assertThat(Arrays.copyOf(work, text.length)).as(what + ": text restored").isEqualTo(original);
    assertThat(
            SuffixArrays.buildInPlace(
                work, text.length, maxToken, 2, SuffixArrays.Threads.RANGE_LOOPS))
        .as(what + ", in place, range loops on 2 threads")
        .isEqualTo(expected);
    assertThat(Arrays.copyOf(work, text.length)).as(what + ": text restored").isEqualTo(original);
    assertThat(text).as(what + ": input unchanged").isEqualTo(original);
  }

  @Test
  void longRandomTextsAgreeWithTheSequentialBuild() {
    SplittableRandom rnd = new SplittableRandom(20261202L);
    int n = 300_000; // several blocks of the induction scans at the top level and in the recursion
    for (int alphabet : new int[] {2, 5, 300, 600_000}) {
      int[] text = new int[n];
      for (int i = 0; i < n; i++) {
        text[i] = rnd.nextInt(alphabet);
      }
      assertParallelAgrees(text, alphabet - 1, "uniform, alphabet " + alphabet);
    }
    // corpus shape: Zipf-like tokens, documents separated by 0, some documents repeated whole
    int[] corpus = new int[n];
    int[][] docs = new int[50][];
    for (int i = 0, d = 0; i < n; d++) {
      int[] doc;
      if (d >= docs.length && rnd.nextInt(4) == 0) {
        doc = docs[rnd.nextInt(docs.length)];
      } else {
        doc = new int[rnd.nextInt(60, 1200)];
        for (int k = 0; k < doc.length; k++) {
          doc[k] = 1 + (int) Math.min(499_999, 1 / (1e-6 + rnd.nextDouble()));
        }
        docs[d % docs.length] = doc;
      }
      for (int k = 0; k < doc.length && i < n - 1; k++) {
        corpus[i++] = doc[k];
      }
      corpus[i++] = 0;
    }
    assertParallelAgrees(corpus, 500_000, "documents with repeats");
  }

  @Test
  void longRepetitiveTextsAgreeWithTheSequentialBuild() {
    int n = 200_000;
    int[] same = new int[n];
    assertParallelAgrees(same, 0, "all equal");
    for (int period : new int[] {2, 3, 7, 1000}) {
      int[] t = new int[n];
      for (int i = 0; i < n; i++) {
        t[i] = (i % period) == period - 1 ? 1 : 0;
      }
      assertParallelAgrees(t, 1, "period " + period);
    }
    // a random block of 5,000 tokens over 3 symbols repeated, with a few random changes
    SplittableRandom rnd = new SplittableRandom(99);
    int[] block = new int[5000];
    for (int i = 0; i < block.length; i++) {
      block[i] = rnd.nextInt(3);
    }
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = block[i % block.length];
    }
    for (int k = 0; k < 20; k++) {
      t[rnd.nextInt(n)] = rnd.nextInt(3);
    }
    assertParallelAgrees(t, 2, "repeated block with mutations");
    String a = "0";
    String b = "01";
    while (b.length() < n) {
      String c = b + a;
      a = b;
      b = c;
    }
    assertParallelAgrees(b.chars().map(ch -> ch - '0').toArray(), 1, "fibonacci word");
  }

  @Test
  void randomTextsWithLongRepeatsAndFewSymbols() {
    SplittableRandom rnd = new SplittableRandom(31);
    for (int c = 0; c < 400; c++) {
      int alphabet = 1 + rnd.nextInt(3);
      // a random seed string copied several times with a few changes: long repeated substrings
      int[] seed = new int[1 + rnd.nextInt(40)];
      for (int i = 0; i < seed.length; i++) {
        seed[i] = rnd.nextInt(alphabet);
      }
      int n = rnd.nextInt(0, 800);
      int[] text = new int[n];
      for (int i = 0; i < n; i++) {
        text[i] = rnd.nextInt(50) == 0 ? rnd.nextInt(alphabet) : seed[i % seed.length];
      }
      assertAgrees(text, alphabet - 1, "case " + c + " n=" + n + " period=" + seed.length);
    }
  }

  @Test
  void randomTextsOverSmallAndLargeAlphabets() {
    SplittableRandom rnd = new SplittableRandom(20261122L);
    for (int c = 0; c < 3000; c++) {
      int n = rnd.nextInt(0, c < 2000 ? 60 : 700);
      int alphabet =
          switch (c % 4) {
            case 0 -> 1;
            case 1 -> 2;
            case 2 -> 4;
            default -> 1 + rnd.nextInt(1000);
          };
      int[] text = new int[n];
      for (int i = 0; i < n; i++) {
        text[i] = rnd.nextInt(alphabet);
      }
      assertAgrees(text, alphabet - 1, "case " + c + " n=" + n + " alphabet=" + alphabet);
    }
  }

  @Test
  void adversarialTexts() {
    int n = 3000;
    // one repeated token, periodic texts, Fibonacci words, descending and ascending runs
    int[] same = new int[n];
    assertAgrees(same, 0, "all equal");
    for (int period = 1; period <= 9; period++) {
      int[] t = new int[n];
      for (int i = 0; i < n; i++) {
        t[i] = (i % period) == period - 1 ? 1 : 0;
      }
      assertAgrees(t, 1, "period " + period);
    }
    String a = "0";
    String b = "01";
    while (b.length() < n) {
      String c = b + a;
      a = b;
      b = c;
    }
    int[] fib = b.chars().map(ch -> ch - '0').toArray();
    assertAgrees(fib, 1, "fibonacci word");
    int[] down = new int[n];
    int[] up = new int[n];
    for (int i = 0; i < n; i++) {
      down[i] = n - 1 - i;
      up[i] = i;
    }
    assertAgrees(down, n - 1, "descending");
    assertAgrees(up, n - 1, "ascending");
    // corpus shape: documents separated by 0, repeated documents, token ids up to 10^6
    SplittableRandom rnd = new SplittableRandom(7);
    int[] docs = new int[n];
    int[] doc = new int[40];
    for (int i = 0; i < doc.length; i++) {
      doc[i] = 1 + rnd.nextInt(1_000_000);
    }
    for (int i = 0; i < n; i++) {
      int k = i % (doc.length + 1);
      docs[i] = k == doc.length ? 0 : doc[k];
    }
    assertAgrees(docs, 1_000_000, "repeated documents");
  }

  @Test
  void tinyTexts() {
    assertThat(SuffixArrays.build(new int[0], 0)).isEmpty();
    assertThat(SuffixArrays.build(new int[] {5}, 5)).containsExactly(0);
    assertThat(SuffixArrays.build(new int[] {1, 1}, 1)).containsExactly(1, 0);
    assertThat(SuffixArrays.build(new int[] {2, 1}, 2)).containsExactly(1, 0);
  }

  @Test
  void refusesABadThreadCount() {
    assertThatThrownBy(() -> SuffixArrays.build(new int[] {0, 1}, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads must be >= 1");
  }

  @Test
  void refusesTokensOutsideTheAlphabet() {
    assertThatThrownBy(() -> SuffixArrays.build(new int[] {0, 3}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside [0, 2]");
  }
}
