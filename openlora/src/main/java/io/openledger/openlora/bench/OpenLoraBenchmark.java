package io.openledger.openlora.bench;

import io.openledger.openlora.adapter.AdapterManifest;
import io.openledger.openlora.adapter.AdapterReader;
import io.openledger.openlora.adapter.AdapterSource;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.Generation;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationRequest;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.model.Batch;
import io.openledger.openlora.model.ForwardPass;
import io.openledger.openlora.model.KvCache;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The OpenLoRA engine's benchmark, callable from {@code openledger bench openlora}: generates the
 * model and adapters (once, under {@link BenchOptions#workDir()}), then measures single-stream
 * decode, heterogeneous batch throughput, adapter cold loads and memory.
 *
 * <p>Definitions. Single-stream decode: tokens/s between the first and the last streamed token of
 * one greedy request (prefill excluded). Batch throughput: completion tokens / wall time for {@code
 * max(2·batch, adapters)} requests (rounded up to whole batches) of a short prompt and 8 new
 * tokens, {@code batch} at a time, request i using adapter i mod D; adapters load while the batch
 * runs, under a budget of {@code max(budget, 2·batch·adapter size)}; compared runs are interleaved
 * (see {@link #batchFigures}). Cold load: checking (config, header) and reading one rank-r adapter
 * whose files are in the page cache.
 */
public final class OpenLoraBenchmark {
  private OpenLoraBenchmark() {}

  static final String PROMPT = "The open ledger pays the data";
  static final String SHORT_PROMPT = "Open data";
  static final int BATCH_NEW_TOKENS = 8;

  /**
   * Runs every measurement.
   *
   * @param progress receives one human-readable line per step (e.g. "generating model", "batch r16
   *     x100 adapters: 512.3 tok/s")
   */
  public static OpenLoraFigures run(BenchOptions o, Consumer<String> progress) {
    Path model = ensureModel(o, progress);
    int maxRank = Collections.max(o.ranks());
    int adaptersNeeded =
        Math.max(
            Collections.max(o.distinctAdapters()),
            Math.max(o.registeredAdapters(), o.coldLoads() + 20));
    Map<Integer, Path> adapterDirs = new LinkedHashMap<>();
    for (int r : o.ranks()) {
      adapterDirs.put(r, ensureAdapters(o, r, adaptersNeeded, progress));
    }

    progress.accept("single-stream decode, base and rank-" + maxRank + " adapter, alternating");
    EngineConfig base = EngineConfig.of(model).withThreads(o.threads());
    long parameters;
    long baseBytes;
    try (InferenceEngine e = InferenceEngine.open(base)) {
      parameters = e.model().parameters();
      baseBytes = e.model().weightBytes();
    }
    double[] pair =
        singleStreamPair(base.withAdapterDir(adapterDirs.get(maxRank)), "adapter-0000", o);
    double decodeBase = pair[0];
    double decodeLora = pair[1];
    progress.accept(
        String.format(
            "  base %.1f tok/s, adapter %.1f tok/s (%.2fx)",
            decodeBase, decodeLora, decodeLora / decodeBase));

    List<OpenLoraFigures.BatchFigure> batches = new ArrayList<>();
    Map<Integer, Long> bytesByRank = new LinkedHashMap<>();
    for (int r : o.ranks()) {
      Path dir = adapterDirs.get(r);
      long perAdapter = adapterBytes(model, dir);
      bytesByRank.put(r, perAdapter);
      long budget = Math.max(o.adapterBudgetBytes(), 2L * o.batchSize() * perAdapter);
      EngineConfig cfg =
          base.withAdapterDir(dir)
              .withMaxBatchSize(o.batchSize())
              .withMaxQueuedRequests(Math.max(4096, 2 * adaptersNeeded))
              .withAdapterMemoryBudgetBytes(budget)
              .withMergeMode(EngineConfig.MergeMode.NEVER);
      batches.addAll(batchFigures(cfg, r, o, progress));
    }

    progress.accept("adapter cold loads, rank " + maxRank);
    double[] cold = coldLoads(model, adapterDirs.get(maxRank), o.coldLoads());
    progress.accept(
        String.format(
            "  p50 %.2f ms, p99 %.2f ms (thread CPU time: p50 %.2f ms, p99 %.2f ms)",
            cold[0], cold[1], cold[2], cold[3]));

    int minRank = Collections.min(o.ranks());
    progress.accept(
        o.registeredAdapters() + " adapters under a " + o.adapterBudgetBytes() + "-byte budget");
    long[] budgetRun = budgetRun(base, adapterDirs.get(minRank), o);
    progress.accept(
        String.format("  %d registered, at most %d bytes resident", budgetRun[0], budgetRun[1]));

    progress.accept("int8 weights: decode and accuracy");
    double int8Decode = singleStream(base.withInt8Weights(true), null, o);
    double[] acc = int8Accuracy(model, o.threads());
    progress.accept(
        String.format(
            "  %.1f tok/s, top-1 agreement %.3f, max logit error %.4f",
            int8Decode, acc[0], acc[1]));

    return new OpenLoraFigures(
        o.model().name(),
        parameters,
        o.threads(),
        baseBytes,
        decodeBase,
        decodeLora,
        batches,
        cold[0],
        cold[1],
        cold[2],
        cold[3],
        bytesByRank,
        (int) budgetRun[0],
        o.adapterBudgetBytes(),
        budgetRun[1],
        int8Decode,
        acc[0],
        acc[1]);
  }

  // ------------------------------------------------------------------ files

  static Path ensureModel(BenchOptions o, Consumer<String> progress) {
    Path dir = o.workDir().resolve(o.model().name());
    Path marker = dir.resolve(".generated");
    String stamp = o.model().toString();
    try {
      if (Files.isRegularFile(marker) && Files.readString(marker).equals(stamp)) {
        return dir;
      }
      progress.accept(
          "generating " + o.model().name() + " (" + o.model().parameters() + " parameters)");
      TestModels.writeModel(dir, o.model());
      Files.writeString(marker, stamp);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path ensureAdapters(BenchOptions o, int rank, int count, Consumer<String> progress) {
    Path dir = o.workDir().resolve(o.model().name() + "-adapters-r" + rank);
    Path marker = dir.resolve(".generated");
    AdapterSpec spec = AdapterSpec.of(rank, 1000L * rank);
    String stamp = o.model() + "/" + spec + "/" + count;
    try {
      if (Files.isRegularFile(marker) && Files.readString(marker).equals(stamp)) {
        return dir;
      }
      progress.accept("generating " + count + " rank-" + rank + " adapters");
      Files.createDirectories(dir);
      TestModels.writeAdapters(dir, o.model(), count, spec);
      Files.writeString(marker, stamp);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long adapterBytes(Path model, Path adapters) {
    try (InferenceEngine e =
        InferenceEngine.open(EngineConfig.of(model).withAdapterDir(adapters))) {
      return e.adapter("adapter-0000").weightBytes();
    }
  }

  // ------------------------------------------------------------------ measurements

  /** Median decode tokens/s of one greedy stream (after one warm-up run). */
  static double singleStream(EngineConfig cfg, String adapter, BenchOptions o) {
    try (InferenceEngine e = InferenceEngine.open(cfg)) {
      decodeRate(e, adapter, o);
      double[] runs = new double[o.repeats()];
      for (int rep = 0; rep < o.repeats(); rep++) {
        runs[rep] = decodeRate(e, adapter, o);
      }
      return median(runs);
    }
  }

  /**
   * [base, adapter] median decode tokens/s, runs alternating in one engine so both see the same
   * machine load (other processes share these cores).
   */
  static double[] singleStreamPair(EngineConfig cfg, String adapter, BenchOptions o) {
    try (InferenceEngine e = InferenceEngine.open(cfg)) {
      decodeRate(e, null, o);
      decodeRate(e, adapter, o);
      int reps = Math.max(o.repeats(), 6);
      double[] base = new double[reps];
      double[] lora = new double[reps];
      for (int rep = 0;
          rep < reps;
          rep++) { // which goes first alternates, cancelling order effects
        if (rep % 2 == 0) {
          base[rep] = decodeRate(e, null, o);
          lora[rep] = decodeRate(e, adapter, o);
        } else {
          lora[rep] = decodeRate(e, adapter, o);
          base[rep] = decodeRate(e, null, o);
        }
      }
      return new double[] {median(base), median(lora)};
    }
  }

  /** Tokens/s between the first and the last streamed token of one greedy request. */
  private static double decodeRate(InferenceEngine e, String adapter, BenchOptions o) {
    GenerationRequest r = GenerationRequest.of(PROMPT, o.decodeTokens());
    if (adapter != null) {
      r = r.withAdapter(adapter);
    }
    Generation g = e.submit(r);
    long first = 0;
    long last = 0;
    int n = 0;
    try {
      for (GenerationEvent ev = g.nextEvent(); !ev.isTerminal(); ev = g.nextEvent()) {
        last = System.nanoTime();
        if (n++ == 0) {
          first = last;
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
    return n < 2 ? 0 : (n - 1) / ((last - first) / 1e9);
  }

  /**
   * Batch figures for one rank. The machine is shared, so runs that are compared are interleaved:
   * rounds of (one adapter, each mix below 1,000, merged), median per kind; a 1,000-adapter mix is
   * one long run compared with one-adapter runs just before and after it.
   */
  static List<OpenLoraFigures.BatchFigure> batchFigures(
      EngineConfig cfg, int rank, BenchOptions o, Consumer<String> progress) {
    List<Integer> small = o.distinctAdapters().stream().filter(d -> d > 1 && d < 1000).toList();
    List<Integer> large = o.distinctAdapters().stream().filter(d -> d >= 1000).toList();
    int rounds = Math.max(1, Math.min(3, o.repeats()));
    double[] one = new double[rounds];
    double[] merged = new double[rounds];
    double[][] mixed = new double[small.size()][rounds];
    List<OpenLoraFigures.BatchFigure> out = new ArrayList<>();
    try (InferenceEngine e = InferenceEngine.open(cfg);
        InferenceEngine m = InferenceEngine.open(cfg.withMergeMode(EngineConfig.MergeMode.AUTO))) {
      batchRun(e, 4, o, 4); // warm-up: JIT and the first adapters
      for (int wave = 0; wave < 3; wave++) {
        batchRun(m, 1, o, 8);
      } // lets m merge adapter 0
      for (int k = 0; k < rounds; k++) {
        one[k] = batchRun(e, 1, o, BATCH_NEW_TOKENS);
        for (int i = 0; i < small.size(); i++) {
          mixed[i][k] = batchRun(e, small.get(i), o, BATCH_NEW_TOKENS);
        }
        merged[k] = batchRun(m, 1, o, BATCH_NEW_TOKENS);
      }
      double oneMedian = median(one);
      double mergedMedian = median(merged);
      progress.accept(
          String.format(
              "batch r%d x1 adapter: %.1f tok/s, merged %.1f tok/s",
              rank, oneMedian, mergedMedian));
      out.add(
          new OpenLoraFigures.BatchFigure(
              rank, 1, o.batchSize(), oneMedian, oneMedian, mergedMedian));
      for (int i = 0; i < small.size(); i++) {
        double t = median(mixed[i]);
        out.add(
            new OpenLoraFigures.BatchFigure(
                rank, small.get(i), o.batchSize(), t, oneMedian, mergedMedian));
        progress.accept(
            String.format(
                "batch r%d x%d adapters: %.1f tok/s (%.2f of one adapter)",
                rank, small.get(i), t, t / oneMedian));
      }
      for (int d : large) {
        double before = batchRun(e, 1, o, BATCH_NEW_TOKENS);
        double t = batchRun(e, d, o, BATCH_NEW_TOKENS);
        double after = batchRun(e, 1, o, BATCH_NEW_TOKENS);
        double ref = (before + after) / 2;
        out.add(new OpenLoraFigures.BatchFigure(rank, d, o.batchSize(), t, ref, mergedMedian));
        progress.accept(
            String.format(
                "batch r%d x%d adapters: %.1f tok/s (%.2f of one adapter: %.1f before, %.1f after)",
                rank, d, t, t / ref, before, after));
      }
    }
    return out;
  }

  /**
   * Completion tokens/s of {@code max(2·batch, distinct)} requests (rounded up to whole batches),
   * request i naming adapter i mod distinct, all submitted at once.
   */
  static double batchRun(InferenceEngine e, int distinct, BenchOptions o, int newTokens) {
    int b = o.batchSize();
    int requests = (Math.max(2 * b, distinct) + b - 1) / b * b;
    long t0 = System.nanoTime();
    List<Generation> gs = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      gs.add(
          e.submit(
              GenerationRequest.of(SHORT_PROMPT, newTokens).withAdapter(adapterId(i % distinct))));
    }
    long tokens = 0;
    for (Generation g : gs) {
      tokens += g.result().join().completionTokens();
    }
    return tokens / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * [p50, p99 wall, p50, p99 thread CPU] milliseconds to check and read one adapter from the page
   * cache, as the engine does on a cold miss: inspect (config, header) then load (copy, transpose).
   */
  static double[] coldLoads(Path model, Path adapters, int loads) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    try (LlamaModel m = LlamaModel.load(model, false)) {
      AdapterReader reader = new AdapterReader(m.config(), Set.of());
      int total = loads + 20;
      for (int i = 0; i < total; i++) {
        pageIn(adapters.resolve(adapterId(i)));
      }
      double[] ms = new double[loads];
      double[] cpu = new double[loads];
      for (int i = 0; i < total; i++) {
        String id = adapterId(i);
        long t0 = System.nanoTime();
        long c0 = mx.getCurrentThreadCpuTime();
        AdapterManifest man = reader.inspect(id, new AdapterSource.Directory(adapters.resolve(id)));
        reader.load(man);
        if (i >= 20) { // the first 20 warm the JIT
          ms[i - 20] = (System.nanoTime() - t0) / 1e6;
          cpu[i - 20] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
        }
      }
      Arrays.sort(ms);
      Arrays.sort(cpu);
      int p50 = percentile(loads, 0.5);
      int p99 = percentile(loads, 0.99);
      return new double[] {ms[p50], ms[p99], cpu[p50], cpu[p99]};
    }
  }

  private static void pageIn(Path adapterDir) {
    try {
      Files.readAllBytes(adapterDir.resolve("adapter_config.json"));
      Files.readAllBytes(adapterDir.resolve("adapter_model.safetensors"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** [adapters listed, most adapter bytes resident] for one request per adapter. */
  static long[] budgetRun(EngineConfig base, Path adapters, BenchOptions o) {
    EngineConfig cfg =
        base.withAdapterDir(adapters)
            .withAdapterMemoryBudgetBytes(o.adapterBudgetBytes())
            .withMaxBatchSize(o.batchSize())
            .withMaxQueuedRequests(o.registeredAdapters() + o.batchSize());
    try (InferenceEngine e = InferenceEngine.open(cfg)) {
      long listed = e.adapters().size();
      AtomicLong max = new AtomicLong();
      AtomicBoolean done = new AtomicBoolean();
      Thread sampler =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (!done.get()) {
                      max.accumulateAndGet(e.metrics().adapterBytesResident(), Math::max);
                      sleep(2);
                    }
                  });
      List<Generation> gs = new ArrayList<>();
      for (int i = 0; i < o.registeredAdapters(); i++) {
        gs.add(e.submit(GenerationRequest.of(PROMPT, 2).withAdapter(adapterId(i))));
      }
      gs.forEach(g -> g.result().join());
      done.set(true);
      try {
        sampler.join();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      max.accumulateAndGet(e.metrics().adapterBytesResident(), Math::max);
      return new long[] {listed, max.get()};
    }
  }

  /**
   * [top-1 agreement, max |logit difference|] of int8 against f32 weights over every position of 4
   * random 32-token sequences.
   */
  static double[] int8Accuracy(Path model, int threads) {
    try (LlamaModel f = LlamaModel.load(model, false);
        LlamaModel q = LlamaModel.load(model, true);
        KernelPool pool = new KernelPool(threads)) {
      int len = 32;
      int vocab = f.config().vocabSize();
      ForwardPass pf = new ForwardPass(f, pool, len, len);
      ForwardPass pq = new ForwardPass(q, pool, len, len);
      SplittableRandom r = new SplittableRandom(8);
      int agree = 0;
      int total = 0;
      double maxErr = 0;
      float[] a = new float[vocab];
      float[] b = new float[vocab];
      for (int s = 0; s < 4; s++) {
        int[] toks = new int[len];
        for (int i = 0; i < len; i++) {
          toks[i] = r.nextInt(vocab);
        }
        runAll(pf, f, toks);
        runAll(pq, q, toks);
        for (int i = 0; i < len; i++) {
          pf.logitsOf(i, a);
          pq.logitsOf(i, b);
          if (argmax(a) == argmax(b)) {
            agree++;
          }
          total++;
          for (int k = 0; k < vocab; k++) {
            maxErr = Math.max(maxErr, Math.abs(a[k] - b[k]));
          }
        }
      }
      return new double[] {(double) agree / total, maxErr};
    }
  }

  private static void runAll(ForwardPass p, LlamaModel m, int[] toks) {
    Batch b = new Batch(toks.length, 1);
    KvCache cache = new KvCache(m.config(), toks.length);
    for (int i = 0; i < toks.length; i++) {
      b.addRow(toks[i], i, cache, true);
    }
    p.forward(b);
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  static String adapterId(int i) {
    return String.format("adapter-%04d", i);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length == 0 ? 0 : s[s.length / 2];
  }

  static int percentile(int n, double p) {
    return Math.max(0, Math.min(n - 1, (int) Math.ceil(p * n) - 1));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
