package io.openledger.attribution.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Interning and the final order of token ids: code point order, the order of UTF-8 bytes. */
class VocabularyBuilderTest {

  @Test
  void finalIdsFollowTheOrderOfUtf8Bytes() {
    SplittableRandom r = new SplittableRandom(12);
    int[] points = {
      'a', 'b', 'z', 0xE9, 0x4E00, 0xD7FF, 0xE000, 0xFFFD, 0x1F600, 0x10000, 0x10FFFF
    };
    for (int c = 0; c < 200; c++) {
      Set<String> distinct = new LinkedHashSet<>();
      int n = 1 + r.nextInt(c < 100 ? 30 : 3000);
      while (distinct.size() < n) {
        StringBuilder sb = new StringBuilder();
        for (int k = r.nextInt(7); k >= 0; k--) {
          sb.appendCodePoint(points[r.nextInt(points.length)]);
        }
        distinct.add(sb.toString());
      }
      List<String> words = new ArrayList<>(distinct);
      VocabularyBuilder v = new VocabularyBuilder();
      String text = String.join(" ", words);
      int at = 0;
      for (String w : words) {
        int id = v.intern(text, at, at + w.length());
        assertThat(v.intern(w, 0, w.length())).as("re-interned %s", w).isEqualTo(id);
        at += w.length() + 1;
      }
      assertThat(v.size()).isEqualTo(words.size());
      VocabularyBuilder.Sorted s = v.finish();
      for (int i = 1; i < s.tokens().length; i++) {
        byte[] a = s.tokens()[i - 1].getBytes(StandardCharsets.UTF_8);
        byte[] b = s.tokens()[i].getBytes(StandardCharsets.UTF_8);
        assertThat(Arrays.compareUnsigned(a, b)).as("case %d rank %d", c, i).isNegative();
      }
      for (int id = 0; id < words.size(); id++) {
        assertThat(s.tokens()[s.finalIdOf()[id] - 1]).isEqualTo(words.get(id));
      }
    }
  }

  @Test
  void tokensSharingLongPrefixesSortAtEveryDepth() {
    // Thousands of tokens behind shared prefixes of 0 to 90 units: radix levels of whole ranges,
    // runs sorted again chunk after chunk, and past the radix depth the comparison sort.
    SplittableRandom r = new SplittableRandom(7);
    int[] points = {'a', 'b', 0xE9, 0xFFFD, 0xE000, 0x1F600};
    String[] prefixes = {"", "abab", "ababababab", "x".repeat(61), "\uD83D\uDE00".repeat(45)};
    Set<String> distinct = new LinkedHashSet<>();
    while (distinct.size() < 20_000) {
      StringBuilder sb = new StringBuilder(prefixes[r.nextInt(prefixes.length)]);
      for (int k = r.nextInt(9); k >= 0; k--) {
        sb.appendCodePoint(points[r.nextInt(points.length)]);
      }
      distinct.add(sb.toString());
    }
    List<String> words = new ArrayList<>(distinct);
    VocabularyBuilder v = new VocabularyBuilder();
    for (String w : words) {
      v.intern(w, 0, w.length());
    }
    VocabularyBuilder.Sorted s = v.finish();
    List<String> expected = new ArrayList<>(words);
    expected.sort((a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b)));
    assertThat(s.tokens()).containsExactlyElementsOf(expected);
    for (int id = 0; id < words.size(); id++) {
      assertThat(s.tokens()[s.finalIdOf()[id] - 1]).isEqualTo(words.get(id));
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
