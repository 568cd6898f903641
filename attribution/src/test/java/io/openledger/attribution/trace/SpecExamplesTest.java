package io.openledger.attribution.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.ContributionWeight;
import io.openledger.attribution.index.BuildProgress;
import io.openledger.attribution.index.Contribution;
import io.openledger.attribution.index.CorpusIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every {@code attribution-example} block of docs/attribution-v1.md: the worked examples of
 * the spec are the implementation's known answers.
 */
class SpecExamplesTest {
  @TempDir Path dir;

  static Path spec() {
    Path p = Path.of("..", "docs", "attribution-v1.md");
    return Files.exists(p) ? p : Path.of("docs", "attribution-v1.md");
  }

  record Example(
      String name,
      Map<String, List<Contribution>> corpus,
      String output,
      List<String> spans,
      Map<String, Long> masses,
      Map<String, Integer> ppm) {}

  static List<Example> examples() throws IOException {
    List<String> lines = Files.readAllLines(spec());
    List<Example> out = new ArrayList<>();
    String heading = "";
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("### ")) {
        heading = lines.get(i).substring(4);
      }
      if (!lines.get(i).equals("```attribution-example")) {
        continue;
      }
      Map<String, List<Contribution>> corpus = new LinkedHashMap<>();
      String output = null;
      List<String> spans = new ArrayList<>();
      Map<String, Long> masses = new LinkedHashMap<>();
      Map<String, Integer> ppm = new LinkedHashMap<>();
      for (i++; !lines.get(i).equals("```"); i++) {
        String l = lines.get(i);
        String value = l.substring(l.indexOf(": ") + 2);
        String[] key = l.substring(0, l.indexOf(": ")).split(" ");
        switch (key[0]) {
          case "corpus" ->
              corpus
                  .computeIfAbsent(key[1], v -> new ArrayList<>())
                  .add(new Contribution(key[2], value));
          case "output" -> output = value;
          case "span" -> spans.add(value);
          case "mass" -> masses.put(key[1], Long.parseLong(value));
          case "ppm" -> ppm.put(key[1], Integer.parseInt(value));
          default -> throw new IllegalStateException("unknown example line: " + l);
        }
      }
      out.add(new Example(heading, corpus, output, spans, masses, ppm));
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> workedExamplesOfTheSpec() throws IOException {
    List<Example> examples = examples();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(5);
    return examples.stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> check(e)));
  }

  private void check(Example e) {
    Path idx = dir.resolve("idx-" + Math.abs(e.name().hashCode()));
    e.corpus()
        .forEach((v, docs) -> CorpusIndex.append(idx, v, docs.iterator(), 1, BuildProgress.NONE));
    try (CorpusIndex index = CorpusIndex.open(idx)) {
      TraceResult r = new Tracer(index.select(List.of()), TraceParameters.V1).trace(e.output());
      List<String> spans =
          r.spans().stream()
              .map(
                  s ->
                      s.text()
                          + " | occurrences "
                          + s.occurrences()
                          + " | "
                          + String.join(" ", s.contributions()))
              .toList();
      assertThat(spans).as("spans").isEqualTo(e.spans());
      e.masses()
          .forEach(
              (id, m) ->
                  assertThat(id.equals("model") ? r.modelMass() : r.masses().get(id))
                      .as("mass " + id)
                      .isEqualTo(m));
      Map<String, Integer> ppm = new LinkedHashMap<>();
      for (ContributionWeight w : r.weights().contributions()) {
        ppm.put(w.contributionId(), w.ppm());
      }
      ppm.put("model", r.weights().modelPpm());
      assertThat(ppm).as("ppm").isEqualTo(e.ppm());
      assertThat(Arrays.asList(ppm.keySet().toArray()))
          .as("ppm order")
          .isEqualTo(List.copyOf(e.ppm().keySet()));
    }
  }
}
