package io.openledger.openlora.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Stop sequences over text streamed in arbitrary pieces. */
class StopTextTest {
  @Test
  void emittedTextIsEverythingBeforeTheFirstStopWhateverThePieces() {
    SplittableRandom r = new SplittableRandom(11);
    String alphabet = "abc ";
    for (int c = 0; c < 5000; c++) {
      StringBuilder t = new StringBuilder();
      int len = r.nextInt(40);
      for (int i = 0; i < len; i++) {
        t.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String text = t.toString();
      List<String> stops =
          List.of(
              randomWord(r, alphabet, 1 + r.nextInt(3)), randomWord(r, alphabet, 1 + r.nextInt(4)));
      int cut = text.length();
      for (String s : stops) {
        int i = text.indexOf(s);
        if (i >= 0) {
          cut = Math.min(cut, i);
        }
      }
      String expected = text.substring(0, cut);
      StopText st = new StopText(stops);
      StringBuilder emitted = new StringBuilder();
      int pos = 0;
      while (pos < text.length() && !st.stopped()) {
        int n = 1 + r.nextInt(5);
        String piece = text.substring(pos, Math.min(text.length(), pos + n));
        pos += piece.length();
        emitted.append(st.push(piece));
        // nothing emitted so far may extend into a stop sequence
        assertThat(expected)
            .as("case %d: %s with stops %s", c, text, stops)
            .startsWith(emitted.toString());
      }
      emitted.append(st.flush());
      assertThat(emitted.toString())
          .as("case %d: %s with stops %s", c, text, stops)
          .isEqualTo(expected);
      assertThat(st.stopped()).isEqualTo(cut < text.length());
      assertThat(st.text()).isEqualTo(st.stopped() ? expected : text);
    }
  }

  private static String randomWord(SplittableRandom r, String alphabet, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
