package io.openledger.attribution.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SA-IS agrees with a naive sort of the suffixes on random and adversarial texts. */
class SuffixArraysTest {

  private static void assertAgrees(int[] text, int maxToken, String what) {
    assertThat(SuffixArrays.build(text, maxToken)).as(what).isEqualTo(SuffixArrays.naive(text));
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
  void refusesTokensOutsideTheAlphabet() {
    assertThatThrownBy(() -> SuffixArrays.build(new int[] {0, 3}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside [0, 2]");
  }
}
