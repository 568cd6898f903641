package io.openledger.openlora.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

  /** Text from a tiny alphabet: many equal pair counts (ties) and runs of one letter. */
  private static String tieHeavy(long seed, int chars) {
    SplittableRandom r = new SplittableRandom(seed);
    String alphabet = "aab ba\nc.é";
    StringBuilder b = new StringBuilder();
    while (b.length() < chars) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /** The repository's own documentation: real English with code, numbers and symbols. */
  static List<String> repositoryDocs() throws IOException {
    Path docs = Path.of("..", "docs");
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.list(docs)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        texts.add(Files.readString(f));
      }
    }
    assertThat(texts).as("markdown files in %s", docs.toAbsolutePath()).isNotEmpty();
    return texts;
  }

  @Test
  void mergesEqualTheNaiveTwinsOnTieHeavyText() {
    for (long seed = 1; seed <= 20; seed++) {
      List<String> texts = List.of(tieHeavy(seed, 300), tieHeavy(seed + 100, 200), "aaaaaaaa aaa");
      assertThat(BpeTrainer.train(texts, 400))
          .as("seed %d", seed)
          .isEqualTo(NaiveBpeTrainer.train(texts, 400));
    }
  }

  @Test
  void mergesEqualTheNaiveTwinsOnRealText() throws IOException {
    List<String> docs = new ArrayList<>();
    for (String name : List.of("gas.md", "blobs.md")) { // small: the twin is quadratic
      docs.add(Files.readString(Path.of("..", "docs", name)));
    }
    BpeTrainer.Result fast = BpeTrainer.train(docs, 600);
    assertThat(fast.tokens()).hasSize(600);
    assertThat(fast).isEqualTo(NaiveBpeTrainer.train(docs, 600));
  }

  @Test
  void stopsWhenNoPairOccursTwice() {
    BpeTrainer.Result r = BpeTrainer.train("abcab", 1000);
    assertThat(r.merges()).containsExactly(new BpeTrainer.Merge("a", "b"));
    assertThat(r.tokens()).hasSize(257).endsWith("ab");
  }

  @Test
  void textsArePreTokenizedApart() {
    // "ab" + "cd" concatenated would hold the pre-token "abcd"; apart, "bc" never occurs
    BpeTrainer.Result r = BpeTrainer.train(List.of("ab", "cd", "ab", "cd"), 1000);
    assertThat(r.merges())
        .containsExactly(new BpeTrainer.Merge("a", "b"), new BpeTrainer.Merge("c", "d"));
  }

  @Test
  void sameTextsSameResult() throws IOException {
    List<String> docs = repositoryDocs();
    assertThat(BpeTrainer.train(docs, 1000)).isEqualTo(BpeTrainer.train(docs, 1000));
  }
}
