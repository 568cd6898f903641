package io.openledger.attribution.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.attribution.AttributionException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenizerTest {

  @Test
  void wordsSymbolsAndSentenceEnds() {
    TokenizedText t = Tokenizer.tokenize("The cat's 3 hats,  don't fit! Ça va? 東京。ok");
    assertThat(t.tokens())
        .containsExactly(
            "The", "cat", "'", "s", "3", "hats", ",", "don", "'", "t", "fit", "!", "Ça", "va", "?",
            "東京", "。", "ok");
    assertThat(t.kind(0)).isEqualTo(TokenKind.WORD);
    assertThat(t.kind(2)).isEqualTo(TokenKind.SYMBOL);
    assertThat(t.kind(11)).isEqualTo(TokenKind.SENTENCE_END);
    assertThat(t.kind(16)).isEqualTo(TokenKind.SENTENCE_END);
  }

  @Test
  void offsetsPointIntoTheText() {
    String s = "\tHello,\u00A0wörld 𝔘𝔫𝔦 — fin.";
    TokenizedText t = Tokenizer.tokenize(s);
    for (int i = 0; i < t.size(); i++) {
      assertThat(s.substring(t.start(i), t.end(i))).isEqualTo(t.token(i));
    }
    assertThat(t.tokens()).containsExactly("Hello", ",", "wörld", "𝔘𝔫𝔦", "—", "fin", ".");
  }

  @Test
  void combiningMarksStayInTheWord() {
    // e + COMBINING ACUTE is one word with the letters around it
    assertThat(Tokenizer.tokenize("cafe\u0301 ok").tokens()).containsExactly("cafe\u0301", "ok");
  }

  @Test
  void whiteSpaceOnlyAndEmptyGiveNoTokens() {
    assertThat(Tokenizer.tokenize("").size()).isZero();
    assertThat(Tokenizer.tokenize(" \n\t\u2028\u200B").size()).isZero();
  }

  @Test
  void tokensNeverContainSpaceAndCoverAllNonSpace() {
    SplittableRandom rnd = new SplittableRandom(42);
    String alphabet = "ab Z9 .,!?\n\t'-é東\u00A0";
    for (int c = 0; c < 2000; c++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(40);
      for (int i = 0; i < n; i++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      TokenizedText t = Tokenizer.tokenize(s);
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < t.size(); i++) {
        assertThat(t.token(i)).as("case %d", c).doesNotContain(" ", "\n", "\t", "\u00A0");
        joined.append(t.token(i));
      }
      String nonSpace = s.replaceAll("[ \\n\\t\\u00A0]", "");
      assertThat(joined.toString()).as("case %d: %s", c, s).isEqualTo(nonSpace);
    }
  }

  @Test
  void rejectsMalformedUtf8WithTheOffset() {
    byte[] bad = {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28};
    assertThatThrownBy(() -> Tokenizer.decodeUtf8(bad, "contribution x"))
        .isInstanceOf(AttributionException.InvalidInput.class)
        .hasMessageContaining("contribution x is not valid UTF-8")
        .hasMessageContaining("offset 3");
    assertThat(Tokenizer.decodeUtf8("héllo".getBytes(StandardCharsets.UTF_8), "x"))
        .isEqualTo("héllo");
  }

  @Test
  void rejectsUnpairedSurrogates() {
    assertThatThrownBy(() -> Tokenizer.tokenize("ok \uD800 no"))
        .isInstanceOf(AttributionException.InvalidInput.class)
        .hasMessageContaining("unpaired surrogate U+D800 at char 3");
    assertThatThrownBy(() -> Tokenizer.tokenize("word\uDC00"))
        .isInstanceOf(AttributionException.InvalidInput.class);
  }
}
