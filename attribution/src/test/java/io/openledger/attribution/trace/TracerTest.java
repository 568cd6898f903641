package io.openledger.attribution.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.AttributionWeights;
import io.openledger.attribution.PartsPerMillion;
import io.openledger.attribution.index.BuildProgress;
import io.openledger.attribution.index.Contribution;
import io.openledger.attribution.index.CorpusIndex;
import io.openledger.attribution.index.Shard;
import io.openledger.attribution.index.ShardWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracerTest {
  @TempDir Path dir;

  private Shard shard(String name, List<Contribution> docs) {
    Path f = dir.resolve(name + ".olsa");
    new ShardWriter(1).write(docs.iterator(), f, BuildProgress.NONE);
    return Shard.open(f);
  }

  private static void assertSumsToOneMillion(AttributionWeights w) {
    long sum = w.modelPpm();
    for (var c : w.contributions()) {
      sum += c.ppm();
    }
    assertThat(sum).isEqualTo(PartsPerMillion.ONE);
  }

  @Test
  void creditsTheContributionAVerbatimSpanCameFrom() {
    try (Shard s =
        shard(
            "a",
            List.of(
                new Contribution("cats", "The quick brown cat jumps over the lazy dog today."),
                new Contribution(
                    "birds", "Small birds sing loudly in the early morning light.")))) {
      TraceResult r =
          new Tracer(List.of(s), TraceParameters.V1)
              .trace("I saw that small birds sing loudly in the garden.");
      assertThat(r.spans()).hasSize(1);
      TracedSpan span = r.spans().get(0);
      assertThat(span.text()).isEqualTo("birds sing loudly in the");
      assertThat(span.contributions()).containsExactly("birds");
      assertThat(span.occurrences()).isEqualTo(1);
      assertThat(r.weights().contributions()).hasSize(1);
      assertThat(r.ppmOf("birds")).isPositive();
      assertThat(r.ppmOf("cats")).isZero();
      assertSumsToOneMillion(r.weights());
    }
  }

  @Test
  void caseMattersButSpacingDoesNot() {
    try (Shard s =
        shard("a", List.of(new Contribution("d", "alpha beta gamma delta epsilon zeta")))) {
      Tracer t = new Tracer(List.of(s), TraceParameters.V1);
      assertThat(t.trace("alpha   beta\ngamma delta").spans()).hasSize(1);
      assertThat(t.trace("Alpha beta gamma delta").spans()).isEmpty();
    }
  }

  @Test
  void noMatchAndEmptyOutputGiveEverythingToTheModel() {
    try (Shard s = shard("a", List.of(new Contribution("d", "one two three four five six")))) {
      Tracer t = new Tracer(List.of(s), TraceParameters.V1);
      for (String out : List.of("", "   ", "seven eight nine ten eleven", "one two three")) {
        TraceResult r = t.trace(out);
        assertThat(r.weights().modelPpm()).as(out).isEqualTo(PartsPerMillion.ONE);
        assertThat(r.weights().contributions()).as(out).isEmpty();
      }
    }
  }

  @Test
  void spansStopAtSentenceEnds() {
    try (Shard s =
        shard(
            "a",
            List.of(
                new Contribution(
                    "d", "red green blue yellow. orange purple pink brown black white")))) {
      TraceResult r =
          new Tracer(List.of(s), TraceParameters.V1)
              .trace("red green blue yellow. orange purple pink brown");
      assertThat(r.spans())
          .extracting(TracedSpan::text)
          .containsExactly("red green blue yellow.", "orange purple pink brown");
    }
  }

  @Test
  void aSpanIsSplitEquallyAmongTheContributionsHoldingIt() {
    List<Contribution> docs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      docs.add(new Contribution("c" + i, "shared words appear right here in " + i));
    }
    try (Shard s = shard("a", docs)) {
      TraceResult r =
          new Tracer(List.of(s), TraceParameters.V1).trace("shared words appear right here");
      assertThat(r.spans()).hasSize(1);
      assertThat(r.spans().get(0).contributions()).containsExactly("c0", "c1", "c2");
      assertThat(r.masses().values()).hasSize(3).containsOnly(r.masses().get("c0"));
      assertThat(r.ppmOf("c0")).isEqualTo(r.ppmOf("c1")).isEqualTo(r.ppmOf("c2")).isPositive();
    }
  }

  @Test
  void commonPhrasesWeighLittleAndVeryCommonOnesNothing() {
    List<Contribution> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      docs.add(new Contribution("c" + i, "this phrase is very common " + i));
    }
    docs.add(new Contribution("rare", "this sentence is quite rare indeed"));
    try (Shard s = shard("a", docs)) {
      Tracer t = new Tracer(List.of(s), new TraceParameters(4, 10, 1000));
      TraceResult common = t.trace("this phrase is very common");
      TraceResult rare = t.trace("this sentence is quite rare");
      assertThat(common.spans().get(0).occurrences()).isEqualTo(40);
      // 40 occurrences > 10: the span keeps 10/40 of its mass, split 40 ways
      long mass = common.spans().get(0).rarity();
      long kept = mass * 10 / 40;
      assertThat(common.spans().get(0).creditedMass()).isEqualTo(kept / 40 * 40);
      assertThat(common.masses().get("c0")).isEqualTo(kept / 40);
      assertThat(rare.ppmOf("rare"))
          .isGreaterThan(common.weights().contributions().stream().mapToInt(w -> w.ppm()).sum());
      TraceResult dropped =
          new Tracer(List.of(s), new TraceParameters(4, 10, 39))
              .trace("this phrase is very common");
      assertThat(dropped.weights().modelPpm()).isEqualTo(PartsPerMillion.ONE);
      assertThat(dropped.spans().get(0).contributions()).isEmpty();
    }
  }

  @Test
  void resultDoesNotDependOnHowTheCorpusIsSharded() {
    List<Contribution> docs = new ArrayList<>();
    new io.openledger.attribution.bench.SyntheticCorpus(3_000, 11)
        .contributions(30_000)
        .forEachRemaining(docs::add);
    int third = docs.size() / 3;
    Path idx = dir.resolve("idx");
    CorpusIndex.append(idx, "v1", docs.subList(0, third).iterator(), 1, BuildProgress.NONE);
    CorpusIndex.append(idx, "v2", docs.subList(third, 2 * third).iterator(), 1, BuildProgress.NONE);
    CorpusIndex.append(
        idx, "v3", docs.subList(2 * third, docs.size()).iterator(), 1, BuildProgress.NONE);
    String output =
        docs.get(3).text().substring(0, 300)
            + " qqq zzz "
            + docs.get(third + 5).text().substring(50, 400)
            + " "
            + docs.get(docs.size() - 1).text().substring(10, 200);
    try (Shard one = shard("one", docs);
        CorpusIndex three = CorpusIndex.open(idx)) {
      TraceResult a = new Tracer(List.of(one), TraceParameters.V1).trace(output);
      TraceResult b = new Tracer(three.select(List.of()), TraceParameters.V1).trace(output);
      assertThat(b.spans()).isEqualTo(a.spans());
      assertThat(b.weights()).isEqualTo(a.weights());
      assertThat(a.spans()).isNotEmpty();
    }
  }
}
