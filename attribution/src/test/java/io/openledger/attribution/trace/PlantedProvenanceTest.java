package io.openledger.attribution.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.bench.SyntheticCorpus;
import io.openledger.attribution.index.BuildProgress;
import io.openledger.attribution.index.Contribution;
import io.openledger.attribution.index.Shard;
import io.openledger.attribution.index.ShardWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs composed of known spans of known contributions plus novel text: the tracer must credit
 * exactly the contributions the spans came from (precision and recall at least 0.95) and give the
 * longer span the larger weight.
 */
class PlantedProvenanceTest {
  @TempDir static Path dir;
  static List<Contribution> docs = new ArrayList<>();
  static Shard shard;

  @BeforeAll
  static void index() {
    new SyntheticCorpus(20_000, 77).contributions(300_000).forEachRemaining(docs::add);
    Path f = dir.resolve("planted.olsa");
    new ShardWriter(2).write(docs.iterator(), f, BuildProgress.NONE);
    shard = Shard.open(f);
  }

  /** A run of 6 or more words from one sentence of {@code doc}, cut at word boundaries. */
  private static String plantFrom(Contribution doc, SplittableRandom r) {
    String[] sentences = doc.text().split("\\. ");
    for (int attempt = 0; ; attempt++) {
      String[] words = sentences[r.nextInt(sentences.length)].split(" ");
      if (words.length < 8 && attempt < 100) {
        continue;
      }
      int len = 6 + r.nextInt(Math.max(1, words.length - 5));
      len = Math.min(len, words.length);
      int from = r.nextInt(words.length - len + 1);
      return String.join(" ", java.util.Arrays.copyOfRange(words, from, from + len));
    }
  }

  private static String novel(SplittableRandom r, int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      sb.append(" nov").append(r.nextInt(1_000_000)).append('x');
    }
    return sb.append(' ').toString();
  }

  @Test
  void creditsThePlantedContributionsAndWeighsThemByLength() {
    SplittableRandom r = new SplittableRandom(2026);
    Tracer tracer = new Tracer(List.of(shard), TraceParameters.V1);
    int truePositives = 0;
    int credited = 0;
    int planted = 0;
    int pairs = 0;
    int pairsOrdered = 0;
    for (int c = 0; c < 300; c++) {
      int k = 1 + r.nextInt(4);
      Map<String, Integer> lengths = new LinkedHashMap<>();
      StringBuilder out = new StringBuilder(novel(r, 3 + r.nextInt(20)));
      while (lengths.size() < k) {
        Contribution src = docs.get(r.nextInt(docs.size()));
        if (lengths.containsKey(src.id())) {
          continue;
        }
        String span = plantFrom(src, r);
        lengths.put(src.id(), span.split(" ").length);
        out.append(span).append(novel(r, 2 + r.nextInt(15)));
      }
      TraceResult res = tracer.trace(out.toString());
      Set<String> got = new HashSet<>();
      res.weights().contributions().forEach(w -> got.add(w.contributionId()));
      for (String id : got) {
        if (lengths.containsKey(id)) {
          truePositives++;
        }
      }
      credited += got.size();
      planted += lengths.size();
      List<String> ids = new ArrayList<>(lengths.keySet());
      for (int i = 0; i < ids.size(); i++) {
        for (int j = i + 1; j < ids.size(); j++) {
          int li = lengths.get(ids.get(i));
          int lj = lengths.get(ids.get(j));
          if (Math.abs(li - lj) >= 3) {
            pairs++;
            int pi = res.ppmOf(ids.get(i));
            int pj = res.ppmOf(ids.get(j));
            if ((li > lj) == (pi > pj)) {
              pairsOrdered++;
            }
          }
        }
      }
    }
    double precision = truePositives / (double) credited;
    double recall = truePositives / (double) planted;
    assertThat(precision)
        .as("precision (%d of %d credited)", truePositives, credited)
        .isGreaterThanOrEqualTo(0.95);
    assertThat(recall)
        .as("recall (%d of %d planted)", truePositives, planted)
        .isGreaterThanOrEqualTo(0.95);
    assertThat(pairs).isGreaterThan(50);
    assertThat(pairsOrdered / (double) pairs)
        .as("longer span weighs more (%d of %d pairs)", pairsOrdered, pairs)
        .isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void sameAnswerOnEveryRunAndFromManyThreads() throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      outputs.add(
          novel(r, 4)
              + plantFrom(docs.get(r.nextInt(docs.size())), r)
              + novel(r, 4)
              + plantFrom(docs.get(r.nextInt(docs.size())), r));
    }
    Tracer tracer = new Tracer(List.of(shard), TraceParameters.V1);
    List<TraceResult> first = outputs.stream().map(tracer::trace).toList();
    List<TraceResult> parallel = outputs.parallelStream().map(tracer::trace).toList();
    assertThat(parallel).isEqualTo(first);
    assertThat(outputs.stream().map(tracer::trace).toList()).isEqualTo(first);
  }
}
