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
      "Needs about 4 GB of heap for 100M tokens: ./openledger gives this command a 10 GiB heap"
          + " (less on a small machine); run otherwise, it stops first and names the -Xmx to pass."
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
      names = "--sort-threads",
      paramLabel = "N",
      description =
          "Threads for the induction scans of the suffix sort of a corpus indexed as one shard"
              + " (default: 1, the sequential scans, the other loops of SA-IS on the --threads"
              + " threads); more run the block-parallel induction, to compare. A corpus of more"
              + " than 2^25 positions is indexed in parts, each sorted on one thread, --threads"
              + " parts at once.")
  Integer sortThreads;

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

  /**
   * Heap the largest corpus needs, bytes per token: measured at 100M tokens, the build's live heap
   * peaks at 2.6 GiB after GC and 3.6 GiB before it (the text, the token arrays, the suffix array
   * and its induction buckets), so 40 bytes per token leaves room for the collector.
   */
  static final long HEAP_BYTES_PER_TOKEN = 40;

  /** Refuses to start, naming the -Xmx to pass, when the heap cannot hold the largest corpus. */
  static void requireHeapFor(long tokens) {
    long needed = 512L * 1024 * 1024 + HEAP_BYTES_PER_TOKEN * tokens;
    long max = Runtime.getRuntime().maxMemory();
    if (max < needed) {
      long gib = (needed + (1L << 30) - 1) >> 30;
      throw new CliException(
          String.format(
              Locale.ROOT,
              "the index of %,d tokens needs about %d GiB of heap and this JVM has %.1f GiB: run it"
                  + " through ./openledger (which sizes the heap), or give java -Xmx%dg"
                  + " (OPENLEDGER_JAVA_OPTS=-Xmx%dg with the launcher), or pass smaller --sizes",
              tokens,
              gib,
              max / (double) (1L << 30),
              gib,
              gib));
    }
  }

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
    if (threads != null && threads < 1) {
      throw new CliException("--threads must be at least 1");
    }
    if (sortThreads != null && sortThreads < 1) {
      throw new CliException("--sort-threads must be at least 1");
    }
    requireHeapFor(s.stream().mapToLong(Long::longValue).max().orElseThrow());
    AttributionBenchmark.Options o =
        new AttributionBenchmark.Options(
            s,
            threads == null ? std.threads() : threads,
            sortThreads != null ? sortThreads : std.sortThreads(),
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
