package io.openledger.node.attribution;

import io.openledger.attribution.bench.AttributionBenchmark;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openledger bench attribution}: index build, trace and dedup figures. */
@Command(
    name = "attribution",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark Proof of Attribution on synthetic text (Zipf over 500,000 words): index build"
          + " tokens/s and bytes/token, trace latency p50/p99 for 512-token outputs, at 10M and"
          + " 100M tokens; near-duplicate lookup latency against the 10M-token corpus.",
      "Needs about 4 GB of heap for 100M tokens (OPENLEDGER_JAVA_OPTS=-Xmx6g)."
    })
public final class AttributionBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object: keys name figure and unit.")
  boolean json;

  @Option(
      names = "--sizes",
      split = ",",
      paramLabel = "N",
      description = "Corpus sizes in tokens (default: 10000000,100000000).")
  List<Long> sizes = new ArrayList<>();

  @Option(names = "--quick", description = "One small corpus of 1M tokens (smoke test).")
  boolean quick;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Tokenizer threads (default: available processors).")
  Integer threads;

  @Option(
      names = "--traces",
      paramLabel = "N",
      defaultValue = "300",
      description = "Outputs traced per size (default: ${DEFAULT-VALUE}).")
  int traces;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where the index files go (default: <tmp>/openledger-bench-attribution).")
  Path workDir;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path dir =
        workDir != null
            ? workDir
            : Path.of(System.getProperty("java.io.tmpdir"), "openledger-bench-attribution");
    Files.createDirectories(dir);
    AttributionBenchmark.Options std = AttributionBenchmark.standard(dir);
    List<Long> s = quick ? List.of(1_000_000L) : sizes.isEmpty() ? std.sizes() : sizes;
    for (long x : s) {
      if (x < 10_000) {
        throw new CliException("--sizes must be at least 10000 tokens");
      }
    }
    if (traces < 1) {
      throw new CliException("--traces must be at least 1");
    }
    AttributionBenchmark.Options o =
        new AttributionBenchmark.Options(
            s,
            threads == null ? std.threads() : threads,
            traces,
            std.outputTokens(),
            std.dedupQueries(),
            dir);
    PrintWriter err = spec.commandLine().getErr();
    Map<String, Object> figures =
        AttributionBenchmark.run(
            o,
            line -> {
              err.println(line);
              err.flush();
            });
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Cli.json(figures));
    } else {
      figures.forEach((k, v) -> out.printf(Locale.ROOT, "%-36s %s%n", k, v));
    }
    return 0;
  }
}
