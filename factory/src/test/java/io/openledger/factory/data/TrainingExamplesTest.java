package io.openledger.factory.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingExamplesTest {
  static final int BOS = 1000;
  static final int EOS = 1001;

  /** One token per character: the stream is easy to check by hand. */
  static final DocumentTokenizer CHARS =
      new DocumentTokenizer() {
        @Override
        public int[] encode(String text) {
          return text.chars().toArray();
        }

        @Override
        public OptionalInt bos() {
          return OptionalInt.of(BOS);
        }

        @Override
        public int eos() {
          return EOS;
        }
      };

  static List<Document> randomDocuments(long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(60); // empty documents too
      for (int k = 0; k < len; k++) {
        b.append((char) ('a' + r.nextInt(26)));
      }
      docs.add(new Document(1 + r.nextInt(3), 1 + r.nextInt(2), 100 + i * 7L, b.toString()));
    }
    return docs;
  }

  @Test
  void windowsNeverCrossDocumentsAndPredictEveryTokenOnce() {
    SplittableRandom r = new SplittableRandom(11);
    for (int c = 0; c < 300; c++) {
      List<Document> docs = randomDocuments(c, 1 + r.nextInt(6));
      int seqLen = 2 + r.nextInt(20);
      TrainingExamples ex = TrainingExamples.cut(docs, CHARS, seqLen, 0.3, c);
      List<Example> all = new ArrayList<>(ex.train());
      all.addAll(ex.heldOut());
      Map<Long, Document> byId = new HashMap<>();
      for (Document d : docs) {
        byId.put(d.contributionId(), d);
      }
      Map<Long, int[]> predicted = new HashMap<>();
      for (Example e : all) {
        Document d = byId.get(e.contributionId());
        assertThat(e.datanetId()).isEqualTo(d.datanetId());
        assertThat(e.version()).isEqualTo(d.version());
        int[] stream = CHARS.stream(d.text());
        int from = e.chunk() * (seqLen - 1);
        assertThat(e.tokens().length).isBetween(2, seqLen);
        assertThat(e.tokens())
            .as("case %d: window %d of contribution %d", c, e.chunk(), e.contributionId())
            .containsExactly(Arrays.copyOfRange(stream, from, from + e.tokens().length));
        int[] count = predicted.computeIfAbsent(d.contributionId(), k -> new int[stream.length]);
        for (int i = from + 1; i < from + e.tokens().length; i++) {
          count[i]++;
        }
      }
      for (Document d : docs) {
        int[] count = predicted.get(d.contributionId());
        assertThat(count).as("case %d contribution %d", c, d.contributionId()).isNotNull();
        assertThat(count[0]).isZero(); // bos is context only
        for (int i = 1; i < count.length; i++) {
          assertThat(count[i]).as("case %d token %d", c, i).isEqualTo(1);
        }
        assertThat(ex.tokensByContribution().get(d.contributionId())).isEqualTo(d.text().length());
      }
      assertThat(ex.trainTargets() + ex.heldOutTargets())
          .isEqualTo(docs.stream().mapToLong(d -> d.text().length() + 1).sum());
    }
  }

  @Test
  void firstWindowStartsWithBosAndLastEndsWithEos() {
    Document d = new Document(1, 2, 3, "abcdefgh");
    List<Example> w = TrainingExamples.windows(d, CHARS.stream(d.text()), 4);
    // stream: BOS a b c d e f g h EOS (10 tokens), windows start at 0, 3, 6
    assertThat(w).hasSize(3);
    assertThat(w.get(0).tokens()).containsExactly(BOS, 'a', 'b', 'c');
    assertThat(w.get(1).tokens()).containsExactly('c', 'd', 'e', 'f');
    assertThat(w.get(2).tokens()).containsExactly('f', 'g', 'h', EOS);
    assertThat(TrainingExamples.windows(d, new int[] {BOS}, 4)).isEmpty();
  }

  @Test
  void splitIsDeterministicAndIndependentOfDocumentOrder() {
    List<Document> docs = new ArrayList<>(randomDocuments(5, 400));
    TrainingExamples a = TrainingExamples.cut(docs, CHARS, 8, 0.2, 42);
    Collections.shuffle(docs, new Random(9));
    TrainingExamples b = TrainingExamples.cut(docs, CHARS, 8, 0.2, 42);
    assertThat(keys(b.heldOut())).isEqualTo(keys(a.heldOut()));
    assertThat(keys(b.train())).isEqualTo(keys(a.train()));
    assertThat(b.tokensByContribution()).isEqualTo(a.tokensByContribution());

    TrainingExamples otherSeed = TrainingExamples.cut(docs, CHARS, 8, 0.2, 43);
    assertThat(keys(otherSeed.heldOut())).isNotEqualTo(keys(a.heldOut()));

    TrainingExamples none = TrainingExamples.cut(docs, CHARS, 8, 0, 42);
    assertThat(none.heldOut()).isEmpty();
  }

  @Test
  void heldOutShareIsTheFraction() {
    int held = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      if (TrainingExamples.isHeldOut(7, i / 50, i % 50, 0.1)) {
        held++;
      }
    }
    assertThat((double) held / n).isBetween(0.095, 0.105);
  }

  static Set<String> keys(List<Example> examples) {
    Set<String> s = new HashSet<>();
    for (Example e : examples) {
      s.add(e.contributionId() + "/" + e.chunk());
    }
    return s;
  }

  @Test
  void refusesAContributionTwiceAndBadSettings() {
    List<Document> docs =
        List.of(new Document(1, 1, 5, "first"), new Document(1, 2, 5, "first again"));
    assertThatThrownBy(() -> TrainingExamples.cut(docs, CHARS, 8, 0.1, 1))
        .hasMessage("contribution 5 appears twice (datanet 1 v1 and datanet 1 v2)");
    List<Document> one = docs.subList(0, 1);
    assertThatThrownBy(() -> TrainingExamples.cut(one, CHARS, 1, 0.1, 1))
        .hasMessageContaining("seqLen");
    assertThatThrownBy(() -> TrainingExamples.cut(one, CHARS, 8, 1.0, 1))
        .hasMessageContaining("heldOutFraction");
    assertThatThrownBy(() -> TrainingExamples.cut(one, CHARS, 8, Double.NaN, 1))
        .hasMessageContaining("heldOutFraction");
  }

  @Test
  void cutsRealTextWithALearnedTokenizer(@TempDir Path tmp) {
    List<Document> docs = RepositoryText.paragraphs();
    ScratchTokenizer.SpecialIds ids = ScratchTokenizer.write(docs, 1024, 128, tmp);
    try (ModelTokenizer t = ModelTokenizer.load(tmp)) {
      DocumentTokenizer dt = DocumentTokenizer.of(t);
      TrainingExamples ex = TrainingExamples.cut(docs, dt, 64, 0.1, 7);
      assertThat(ex.heldOut()).isNotEmpty();
      for (Example e : ex.train()) {
        assertThat(e.tokens().length).isLessThanOrEqualTo(64);
        if (e.chunk() == 0) {
          assertThat(e.tokens()[0]).isEqualTo(ids.bos());
        }
      }
      Document first = docs.get(0);
      assertThat(ex.tokensByContribution().get(first.contributionId()))
          .isEqualTo(t.encode(first.text(), false).length);
      // the windows of one document, put back together, decode to its text
      List<Example> all = new ArrayList<>(ex.train());
      all.addAll(ex.heldOut());
      all.removeIf(e -> e.contributionId() != first.contributionId());
      all.sort((x, y) -> Integer.compare(x.chunk(), y.chunk()));
      List<Integer> joined = new ArrayList<>();
      for (Example e : all) {
        for (int i = joined.isEmpty() ? 0 : 1; i < e.tokens().length; i++) {
          joined.add(e.tokens()[i]);
        }
      }
      int[] stream = joined.stream().mapToInt(Integer::intValue).toArray();
      assertThat(stream[stream.length - 1]).isEqualTo(ids.eos());
      assertThat(t.decode(stream)).isEqualTo(first.text());
    }
  }
}
