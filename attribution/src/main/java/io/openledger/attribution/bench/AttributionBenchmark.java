package io.openledger.attribution.bench;

import io.openledger.attribution.dedup.NearDuplicateIndex;
import io.openledger.attribution.index.BuildProgress;
import io.openledger.attribution.index.Contribution;
import io.openledger.attribution.index.Shard;
import io.openledger.attribution.index.ShardWriter;
import io.openledger.attribution.trace.TraceParameters;
import io.openledger.attribution.trace.Tracer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The figures of {@code openledger bench attribution}: index build throughput and size, trace
 * latency for 512-token outputs, and near-duplicate lookup latency, on deterministic synthetic text
 * ({@link SyntheticCorpus}, Zipf over 500,000 made-up words).
 */
public final class AttributionBenchmark {
  /** What to run. */
  public record Options(
      List<Long> sizes,
      int threads,
      int sortThreads,
      int traces,
      int outputTokens,
      int dedupQueries,
      Path workDir) {}

  /** The default run: 10M and 100M tokens. */
  public static Options standard(Path workDir) {
    return new Options(
        List.of(10_000_000L, 100_000_000L),
        Runtime.getRuntime().availableProcessors(),
        1,
        300,
        512,
        300,
        workDir);
  }

  private AttributionBenchmark() {}

  /** Runs the benchmark; {@code log} receives progress lines. Keys name the figure and its unit. */
  public static Map<String, Object> run(Options o, Consumer<String> log) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("threads", o.threads());
    figures.put("sort_threads", o.sortThreads());
    figures.put("output_tokens", o.outputTokens());
    SyntheticCorpus text = new SyntheticCorpus(500_000, 2026);
    boolean dedupDone = false;
    for (long size : o.sizes()) {
      String key = label(size);
      log.accept("generating " + key + " tokens of text");
      List<Contribution> docs = new ArrayList<>();
      text.contributions(size).forEachRemaining(docs::add);
      log.accept("building the index of " + key + " tokens");
      System.gc();
      long t0 = System.nanoTime();
      long cpu0 = processCpuNanos();
      IntFunction<Path> partFile = k -> o.workDir().resolve("bench-" + key + "-" + k + ".olsa");
      List<ShardWriter.ShardStats> parts =
          new ShardWriter(o.threads(), o.sortThreads())
              .writeParts(docs.iterator(), partFile, BuildProgress.NONE);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
      long tokens = 0;
      long bytes = 0;
      for (ShardWriter.ShardStats p : parts) {
        tokens += p.tokens();
        bytes += p.fileBytes();
      }
      figures.put("build_" + key + "_tokens", tokens);
      figures.put("build_" + key + "_parts", parts.size());
      figures.put("build_" + key + "_seconds", round(seconds));
      figures.put("build_" + key + "_tokens_per_s", Math.round(tokens / seconds));
      // CPU seconds of the whole process (all threads, GC included): less disturbed by other
      // processes sharing the cores than wall time
      figures.put("build_" + key + "_cpu_seconds", round(cpuSeconds));
      figures.put("index_" + key + "_bytes_per_token", round(bytes / (double) tokens));
      long o0 = System.nanoTime();
      List<Shard> shards = new ArrayList<>();
      try {
        for (int k = 0; k < parts.size(); k++) {
          shards.add(Shard.open(partFile.apply(k)));
        }
        figures.put("open_" + key + "_ms", round((System.nanoTime() - o0) / 1e6));
        log.accept("tracing " + o.traces() + " outputs of " + o.outputTokens() + " tokens");
        double[][] ms = traceLatencies(shards, docs, o);
        figures.put("trace_" + key + "_p50_ms", round(percentile(ms[0], 50)));
        figures.put("trace_" + key + "_p99_ms", round(percentile(ms[0], 99)));
        figures.put("trace_" + key + "_cpu_p50_ms", round(percentile(ms[1], 50)));
        figures.put("trace_" + key + "_cpu_p99_ms", round(percentile(ms[1], 99)));
      } finally {
        shards.forEach(Shard::close);
      }
      if (!dedupDone) {
        log.accept("near-duplicate lookups against " + docs.size() + " contributions");
        double[] ms = dedupLatencies(docs, o, figures);
        figures.put("dedup_lookup_p50_ms", round(percentile(ms, 50)));
        figures.put("dedup_lookup_p99_ms", round(percentile(ms, 99)));
        dedupDone = true;
      }
      docs = null;
      try {
        for (int k = 0; k < parts.size(); k++) {
          Files.deleteIfExists(partFile.apply(k));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return figures;
  }

  /**
   * Outputs of {@code outputTokens} words: runs of 8 to 40 words copied from random contributions
   * alternating with runs of 4 to 20 novel words, the way a model quotes and paraphrases.
   */
  static List<String> outputs(List<Contribution> docs, int count, int tokens, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      StringBuilder sb = new StringBuilder();
      int made = 0;
      while (made < tokens) {
        String[] words = docs.get(r.nextInt(docs.size())).text().split(" ");
        int len = Math.min(tokens - made, Math.min(words.length, 8 + r.nextInt(33)));
        int from = r.nextInt(words.length - len + 1);
        sb.append(String.join(" ", Arrays.copyOfRange(words, from, from + len))).append(' ');
        made += len;
        int novel = Math.min(tokens - made, 4 + r.nextInt(17));
        for (int i = 0; i < novel; i++) {
          sb.append("novel").append(r.nextInt(100_000)).append(' ');
        }
        made += novel;
      }
      out.add(sb.toString());
    }
    return out;
  }

  // [0]: wall ms, [1]: CPU ms of the tracing thread
  private static double[][] traceLatencies(List<Shard> shards, List<Contribution> docs, Options o) {
    Tracer tracer = new Tracer(shards, TraceParameters.V1);
    List<String> warm = outputs(docs, Math.max(50, o.traces() / 4), o.outputTokens(), 1);
    for (String s : warm) {
      tracer.trace(s);
    }
    List<String> outs = outputs(docs, o.traces(), o.outputTokens(), 2);
    double[][] ms = new double[2][outs.size()];
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < outs.size(); i++) {
      long c = mx.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      tracer.trace(outs.get(i));
      ms[0][i] = (System.nanoTime() - t) / 1e6;
      ms[1][i] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
    }
    return ms;
  }

  private static double[] dedupLatencies(
      List<Contribution> docs, Options o, Map<String, Object> figures) {
    NearDuplicateIndex index = new NearDuplicateIndex(NearDuplicateIndex.DEFAULT_THRESHOLD);
    long t0 = System.nanoTime();
    for (Contribution c : docs) {
      index.add(c.id(), c.text());
    }
    figures.put("dedup_contributions", docs.size());
    figures.put(
        "dedup_add_per_contribution_ms", round((System.nanoTime() - t0) / 1e6 / docs.size()));
    SplittableRandom r = new SplittableRandom(3);
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < o.dedupQueries() + 50; i++) {
      String src = docs.get(r.nextInt(docs.size())).text();
      // half near copies (2% of words changed), half new text
      queries.add(
          i % 2 == 0 ? src.replaceFirst(" [a-z]+ ", " changed ") : outputs(docs, 1, 600, i).get(0));
    }
    double[] ms = new double[o.dedupQueries()];
    for (int i = 0; i < queries.size(); i++) {
      long t = System.nanoTime();
      index.query(queries.get(i));
      if (i >= 50) {
        ms[i - 50] = (System.nanoTime() - t) / 1e6;
      }
    }
    return ms;
  }

  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  static String label(long size) {
    return size % 1_000_000 == 0
        ? (size / 1_000_000) + "m"
        : size % 1000 == 0 ? (size / 1000) + "k" : String.valueOf(size);
  }

  static double percentile(double[] values, int p) {
    double[] v = values.clone();
    Arrays.sort(v);
    int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, i))];
  }

  private static double round(double x) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3f", x));
  }
}
