package io.openledger.node.attribution;

import io.openledger.attribution.ContributionWeight;
import io.openledger.attribution.PartsPerMillion;
import io.openledger.attribution.index.ContributionSource;
import io.openledger.attribution.index.CorpusIndex;
import io.openledger.attribution.index.Shard;
import io.openledger.attribution.tokenize.TokenizedText;
import io.openledger.attribution.tokenize.Tokenizer;
import io.openledger.attribution.trace.TraceParameters;
import io.openledger.attribution.trace.TraceResult;
import io.openledger.attribution.trace.TracedSpan;
import io.openledger.attribution.trace.Tracer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code openledger attribution trace}: which contributions an output came from, in ppm. */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
      "Trace a model output back to the contributions it quotes: prints the output with the"
          + " matched spans marked [like this]^n, the spans, and the weights in parts per million"
          + " (contributions plus the model's own share sum to 1,000,000).",
      "Rules: attribution version 1 (docs/attribution-v1.md)."
    })
public final class TraceCommand implements Callable<Integer> {
  @Option(
      names = "--index",
      required = true,
      paramLabel = "INDEX",
      description = "Index directory.")
  Path index;

  @Option(
      names = "--versions",
      split = ",",
      paramLabel = "V1,V2",
      description = "Datanet versions to search (default: all in the index).")
  List<String> versions = new ArrayList<>();

  @Option(names = "--json", description = "Print one JSON object (spans and weights).")
  boolean json;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The output text (UTF-8); - for stdin.")
  String file;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return Cli.userErrors(this::run);
  }

  private Integer run() throws java.io.IOException {
    String output =
        file.equals("-")
            ? Tokenizer.decodeUtf8(System.in.readAllBytes(), "standard input")
            : ContributionSource.readText(Path.of(file));
    try (CorpusIndex ci = CorpusIndex.open(index)) {
      List<Shard> shards = ci.select(versions);
      long t0 = System.nanoTime();
      TraceResult r = new Tracer(shards, TraceParameters.V1).trace(output);
      double ms = (System.nanoTime() - t0) / 1e6;
      long corpusTokens = shards.stream().mapToLong(Shard::tokenCount).sum();
      PrintWriter o = spec.commandLine().getOut();
      if (json) {
        o.println(Cli.json(toJson(r, ms, corpusTokens)));
      } else {
        printHuman(o, r, ms, corpusTokens, shards.size());
      }
    }
    return 0;
  }

  static Map<String, Object> toJson(TraceResult r, double ms, long corpusTokens) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("attribution_version", r.weights().version());
    m.put("output_tokens", r.tokens());
    m.put("corpus_tokens", corpusTokens);
    List<Map<String, Object>> spans = new ArrayList<>();
    for (TracedSpan s : r.spans()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("text", s.text());
      x.put("start_char", s.startChar());
      x.put("end_char", s.endChar());
      x.put("start_token", s.startToken());
      x.put("end_token", s.endToken());
      x.put("occurrences", s.occurrences());
      x.put("contributions", s.contributions());
      x.put("rarity_bits", s.rarity() / 65536.0);
      x.put("rank", s.rank());
      x.put("claimed_tokens", s.claimedTokens());
      spans.add(x);
    }
    m.put("spans", spans);
    List<Map<String, Object>> weights = new ArrayList<>();
    for (ContributionWeight w : r.weights().contributions()) {
      weights.add(Cli.fields("contribution", w.contributionId(), "ppm", w.ppm()));
    }
    m.put("weights", weights);
    m.put("model_ppm", r.weights().modelPpm());
    m.put("trace_ms", ms);
    return m;
  }

  private static void printHuman(
      PrintWriter o, TraceResult r, double ms, long corpusTokens, int shards) {
    o.printf(
        Locale.ROOT,
        "output: %,d tokens; corpus: %,d tokens in %d shard(s); traced in %.1f ms%n%n",
        r.tokens(),
        corpusTokens,
        shards,
        ms);
    o.println(marked(r).stripTrailing());
    o.println();
    if (r.spans().isEmpty()) {
      o.println("no span of the output occurs in the corpus: all weight goes to the model");
    } else {
      o.println("spans (n = rank by rarity; a rarer span claims overlapping tokens first):");
      o.printf(
          Locale.ROOT,
          "  %3s %6s %11s %8s  %s%n",
          "n",
          "tokens",
          "occurrences",
          "bits",
          "text / contributions");
      for (TracedSpan s : r.spans()) {
        o.printf(
            Locale.ROOT,
            "  %3d %6d %11d %8.1f  %s%n",
            s.rank() + 1,
            s.length(),
            s.occurrences(),
            s.rarity() / 65536.0,
            abbreviate(s.text(), 70));
        o.printf(Locale.ROOT, "  %31s  -> %s%n", "", contributions(s));
      }
    }
    o.println();
    o.println("weights (parts per million):");
    for (ContributionWeight w : r.weights().contributions()) {
      o.printf(Locale.ROOT, "  %9d  %6.2f%%  %s%n", w.ppm(), w.ppm() / 1e4, w.contributionId());
    }
    o.printf(
        Locale.ROOT,
        "  %9d  %6.2f%%  (model)%n",
        r.weights().modelPpm(),
        r.weights().modelPpm() / 1e4);
    o.printf(Locale.ROOT, "  %9d  100.00%%  total%n", PartsPerMillion.ONE);
  }

  private static String contributions(TracedSpan s) {
    if (s.contributions().isEmpty()) {
      return "(" + s.occurrences() + " occurrences: too common to credit)";
    }
    String all = String.join(", ", s.contributions());
    return abbreviate(all, 90);
  }

  private static String abbreviate(String s, int max) {
    String one = s.replace('\n', ' ');
    return one.length() <= max ? one : one.substring(0, max - 3) + "...";
  }

  /** The output with each span's claimed tokens bracketed and numbered by rank. */
  static String marked(TraceResult r) {
    TokenizedText tt = Tokenizer.tokenize(r.output());
    int[] owner = new int[tt.size()];
    java.util.Arrays.fill(owner, -1);
    List<TracedSpan> byRank = new ArrayList<>(r.spans());
    byRank.sort((a, b) -> a.rank() - b.rank());
    for (TracedSpan s : byRank) {
      for (int i = s.startToken(); i < s.endToken(); i++) {
        if (owner[i] < 0) {
          owner[i] = s.rank();
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    String text = r.output();
    int at = 0;
    int i = 0;
    while (i < tt.size()) {
      if (owner[i] < 0) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < tt.size() && owner[j + 1] == owner[i]) {
        j++;
      }
      sb.append(text, at, tt.start(i)).append('[');
      sb.append(text, tt.start(i), tt.end(j)).append("]^").append(owner[i] + 1);
      at = tt.end(j);
      i = j + 1;
    }
    sb.append(text, at, text.length());
    return sb.toString();
  }
}
