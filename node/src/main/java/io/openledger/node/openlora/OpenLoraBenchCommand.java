package io.openledger.node.openlora;

import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.bench.BenchOptions;
import io.openledger.openlora.bench.OpenLoraBenchmark;
import io.openledger.openlora.bench.SpeedBenchmark;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.server.OpenLoraServer;
import io.openledger.openlora.server.ServerConfig;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger bench openlora}: the engine's figures ({@link OpenLoraBenchmark}) plus requests
 * per second through the HTTP API, measured with {@link java.net.http.HttpClient} against the real
 * server on a loopback port.
 */
@Command(
    name = "openlora",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark OpenLoRA: single-stream decode, batches with 1-1000 distinct adapters, adapter"
          + " cold loads, memory, and requests/s through the HTTP API.",
      "Generates a ~100M-parameter model under --work-dir once (no downloads)."
    })
public final class OpenLoraBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object: keys name figure and unit.")
  boolean json;

  @Option(names = "--quick", description = "Seconds-long run on the tiny model (smoke test).")
  boolean quick;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Where the generated model and adapters go (default: <tmp>/openledger-bench-openlora).")
  Path workDir;

  @Option(
      names = "--http-only",
      description = "Measure only the HTTP API (skip the engine's own figures).")
  boolean httpOnly;

  @Option(
      names = "--http-requests",
      paramLabel = "N",
      description = "Requests per HTTP run (default: 400, or 100 with --quick).")
  Integer httpRequests;

  @Option(
      names = "--http-concurrency",
      paramLabel = "C",
      defaultValue = "32",
      description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
  int httpConcurrency;

  @Option(
      names = "--http-max-tokens",
      paramLabel = "N",
      defaultValue = "8",
      description = "Tokens generated per HTTP request (default: ${DEFAULT-VALUE}).")
  int httpMaxTokens;

  @Option(
      names = "--http-adapters",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Distinct adapters the HTTP requests cycle through (default: ${DEFAULT-VALUE}).")
  int httpAdapters;

  @Option(
      names = "--repeats",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "HTTP runs, or with --speed measured runs per figure; the median is reported (default:"
              + " ${DEFAULT-VALUE}).")
  int repeats;

  @Option(
      names = "--speed",
      description =
          "Measure only the forward pass's prefill and single-stream decode tokens/s per weight"
              + " format and thread count (the side-by-side comparison with llama.cpp:"
              + " openlora/src/test/llamacpp/compare.sh).")
  boolean speed;

  @Option(
      names = "--speed-formats",
      paramLabel = "F,..",
      split = ",",
      defaultValue = "F32,INT8",
      description = "With --speed: weight formats, F32 and/or INT8 (default: ${DEFAULT-VALUE}).")
  List<String> speedFormats;

  @Option(
      names = "--speed-threads",
      paramLabel = "N,..",
      split = ",",
      defaultValue = "1,2",
      description = "With --speed: thread counts (default: ${DEFAULT-VALUE}).")
  List<Integer> speedThreads;

  @Option(
      names = "--prompt-tokens",
      paramLabel = "N",
      defaultValue = "128",
      description =
          "With --speed: prompt length of the prefill figure (default: ${DEFAULT-VALUE}).")
  int promptTokens;

  @Option(
      names = "--decode-tokens",
      paramLabel = "N",
      defaultValue = "64",
      description = "With --speed: tokens per decode figure (default: ${DEFAULT-VALUE}).")
  int decodeTokens;

  @Option(
      names = "--check-out",
      paramLabel = "FILE",
      description =
          "With --speed: also write the F32 model's greedy continuation and per-position top-1"
              + " probabilities of a 32-token prompt to FILE (JSON), for llama.cpp to reproduce.")
  Path checkOut;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LibraryLogs.quiet();
    if (httpConcurrency < 1 || httpMaxTokens < 1 || httpAdapters < 0 || repeats < 1) {
      throw new CliException(
          "--http-concurrency, --http-max-tokens and --repeats must be at least 1,"
              + " --http-adapters at least 0");
    }
    Path dir =
        workDir != null
            ? workDir
            : Path.of(System.getProperty("java.io.tmpdir"), "openledger-bench-openlora");
    Files.createDirectories(dir);
    BenchOptions options = quick ? BenchOptions.quick(dir) : BenchOptions.standard(dir);
    PrintWriter err = spec.commandLine().getErr();
    if (speed) {
      Map<String, Object> m = speed(dir, err);
      if (json) {
        print(m);
      } else {
        printSpeed(m);
      }
      return 0;
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    if (!httpOnly) {
      try {
        figures.putAll(OpenLoraBenchmark.run(options, line -> progress(err, line)).asFlatMap());
      } catch (UnsupportedOperationException e) {
        throw new CliException(
            "the engine's benchmark is not available in this build ("
                + e.getMessage()
                + "); --http-only measures the HTTP API alone");
      }
    }
    figures.putAll(http(options, quick ? 100 : 400, err));
    print(figures);
    return 0;
  }

  /** The forward pass's prefill and decode tokens/s ({@link SpeedBenchmark}). */
  private Map<String, Object> speed(Path dir, PrintWriter err) throws Exception {
    SpeedBenchmark.Options o;
    try {
      o =
          new SpeedBenchmark.Options(
              dir,
              quick ? ModelSpec.tiny() : ModelSpec.bench100M(),
              speedFormats.stream().map(f -> f.toUpperCase(Locale.ROOT)).toList(),
              speedThreads,
              promptTokens,
              decodeTokens,
              repeats);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          "--speed-formats, --speed-threads, --prompt-tokens, --decode-tokens or --repeats: "
              + e.getMessage());
    }
    List<SpeedBenchmark.Figure> figures = SpeedBenchmark.run(o, line -> progress(err, line));
    SpeedBenchmark.Check check = null;
    if (checkOut != null) {
      check = SpeedBenchmark.check(SpeedBenchmark.ensureModel(o, line -> {}), 16);
      Map<String, Object> c = SpeedBenchmark.asMap(List.of(), check);
      Files.writeString(checkOut, Json.MAPPER.writeValueAsString(c.get("check")));
    }
    Map<String, Object> m = SpeedBenchmark.asMap(figures, null);
    m.put("model", o.model().name());
    m.put("prompt_tokens", promptTokens);
    m.put("decode_tokens", decodeTokens);
    m.put("runs", repeats);
    return m;
  }

  /** Starts the real server over the benchmark's model and measures it with HttpLoad. */
  private Map<String, Object> http(BenchOptions options, int defaultRequests, PrintWriter err)
      throws InterruptedException {
    ModelSpec spec = options.model();
    int adapters = Math.max(1, httpAdapters);
    String lastId = String.format(Locale.ROOT, "adapter-%04d", adapters - 1);
    // Reuse what the engine benchmark generated under the same work directory (the ~100M model
    // is 400 MB); otherwise write our own copy under http/.
    Path modelDir = options.workDir().resolve(spec.name());
    if (!Files.isRegularFile(modelDir.resolve(".generated"))) {
      modelDir = options.workDir().resolve("http").resolve(spec.name());
      if (!Files.isRegularFile(modelDir.resolve("config.json"))) {
        progress(err, "http: writing " + spec.name() + " to " + modelDir);
        TestModels.writeModel(modelDir, spec);
      }
    }
    Path adapterDir = options.workDir().resolve(spec.name() + "-adapters-r8");
    if (!Files.isRegularFile(adapterDir.resolve(".generated"))
        || !Files.isDirectory(adapterDir.resolve(lastId))) {
      adapterDir = options.workDir().resolve("http").resolve("adapters-r8");
      if (!Files.isDirectory(adapterDir.resolve(lastId))) {
        progress(err, "http: writing " + adapters + " rank-8 adapters");
        TestModels.writeAdapters(adapterDir, spec, adapters, AdapterSpec.of(8, 1));
      }
    }
    int requests = httpRequests != null ? httpRequests : defaultRequests;
    EngineConfig config =
        EngineConfig.of(modelDir)
            .withAdapterDir(adapterDir)
            .withThreads(options.threads())
            .withMaxQueuedRequests(Math.max(256, httpConcurrency * 2));
    Map<String, Object> m = new LinkedHashMap<>();
    try (InferenceEngine engine = InferenceEngine.open(config);
        OpenLoraServer server = OpenLoraServer.start(engine, ServerConfig.loopbackEphemeral())) {
      List<String> ids =
          httpAdapters == 0
              ? List.of()
              : engine.adapters().stream().map(a -> a.id()).limit(httpAdapters).toList();
      progress(err, "http: warm-up");
      HttpLoad.run(
          server.baseUri(),
          engine.model().id(),
          ids,
          Math.max(ids.size(), httpConcurrency),
          httpConcurrency,
          httpMaxTokens);
      HttpLoad.Figures[] runs = new HttpLoad.Figures[repeats];
      HttpLoad.Figures[] direct = new HttpLoad.Figures[repeats];
      for (int r = 0; r < repeats; r++) {
        runs[r] =
            HttpLoad.run(
                server.baseUri(),
                engine.model().id(),
                ids,
                requests,
                httpConcurrency,
                httpMaxTokens);
        progress(err, line("http", r, runs[r]));
        direct[r] = HttpLoad.direct(engine, ids, requests, httpConcurrency, httpMaxTokens);
        progress(err, line("engine direct", r, direct[r]));
      }
      HttpLoad.Figures median = median(runs);
      HttpLoad.Figures medianDirect = median(direct);
      m.put("http_model", engine.model().id());
      m.put("http_concurrency", httpConcurrency);
      m.put("http_max_tokens", httpMaxTokens);
      m.put("http_distinct_adapters", ids.size());
      m.put("http_requests", median.requests());
      m.put("http_errors", median.errors());
      m.put("http_requests_per_s", median.requestsPerSecond());
      m.put("http_tokens_per_s", median.tokensPerSecond());
      m.put("http_latency_p50_ms", median.p50Millis());
      m.put("http_latency_p99_ms", median.p99Millis());
      m.put("engine_direct_requests_per_s", medianDirect.requestsPerSecond());
      m.put("engine_direct_latency_p50_ms", medianDirect.p50Millis());
      m.put("http_to_direct_ratio", median.requestsPerSecond() / medianDirect.requestsPerSecond());
    }
    return m;
  }

  private String line(String what, int run, HttpLoad.Figures f) {
    return String.format(
        Locale.ROOT,
        "%s run %d/%d: %.1f requests/s, %.1f tokens/s, p50 %.0f ms, p99 %.0f ms, %d errors",
        what,
        run + 1,
        repeats,
        f.requestsPerSecond(),
        f.tokensPerSecond(),
        f.p50Millis(),
        f.p99Millis(),
        f.errors());
  }

  private static HttpLoad.Figures median(HttpLoad.Figures[] runs) {
    HttpLoad.Figures[] sorted = runs.clone();
    java.util.Arrays.sort(
        sorted, java.util.Comparator.comparingDouble(HttpLoad.Figures::requestsPerSecond));
    return sorted[sorted.length / 2];
  }

  private void print(Map<String, Object> figures) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(figures));
    } else {
      int width = figures.keySet().stream().mapToInt(String::length).max().orElse(10);
      figures.forEach(
          (k, v) -> out.println(String.format(Locale.ROOT, "%-" + width + "s  %s", k, format(v))));
    }
    out.flush();
  }

  /** One line per format and thread count. */
  @SuppressWarnings("unchecked")
  private void printSpeed(Map<String, Object> m) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        String.format(
            Locale.ROOT,
            "%s, prompt %s tokens, decode %s tokens, median of %s runs",
            m.get("model"),
            m.get("prompt_tokens"),
            m.get("decode_tokens"),
            m.get("runs")));
    for (Map<String, Object> f : (List<Map<String, Object>>) m.get("figures")) {
      out.println(
          String.format(
              Locale.ROOT,
              "%-5s %d thread(s)  prefill %8.1f tokens/s  decode %8.1f tokens/s",
              f.get("format"),
              f.get("threads"),
              (Double) f.get("prefill_tokens_per_s"),
              (Double) f.get("decode_tokens_per_s")));
    }
    out.flush();
  }

  private static String format(Object v) {
    return v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(v);
  }

  private static void progress(PrintWriter err, String line) {
    err.println("[bench openlora] " + line);
    err.flush();
  }
}
