package io.openledger.openlora.bench;

import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.model.Batch;
import io.openledger.openlora.model.ForwardPass;
import io.openledger.openlora.model.KvCache;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The model's own speed, as llama.cpp's bench measures it, for the side-by-side comparison ({@code
 * openlora/src/test/llamacpp/compare.sh}): prefill and single-stream decode tokens/s of the forward
 * pass alone (no scheduler, no HTTP), per weight format and thread count.
 *
 * <p>Definitions, the same on both sides: the prompt is token i = (7 i + 1) mod (vocab - 3).
 * Prefill: prompt tokens / wall time of one forward over all of them (logits of the last row only).
 * Decode: greedy tokens after the prompt, one row per step, tokens / wall time of the steps. One
 * warm-up run, then the median of {@code runs}.
 */
public final class SpeedBenchmark {
  private SpeedBenchmark() {}

  /**
   * What to measure.
   *
   * @param workDir where the model is generated (reused when already there)
   * @param model the model ({@link ModelSpec#bench100M()} for the recorded figures)
   * @param formats weight formats: "F32" (as stored) and/or "INT8"
   * @param threads thread counts to measure each format at
   * @param promptTokens prompt length of the prefill figure
   * @param decodeTokens tokens generated per decode figure
   * @param runs measured runs per figure (after one warm-up); the median is reported
   */
  public record Options(
      Path workDir,
      ModelSpec model,
      List<String> formats,
      List<Integer> threads,
      int promptTokens,
      int decodeTokens,
      int runs) {
    public Options {
      formats = List.copyOf(formats);
      threads = List.copyOf(threads);
      for (String f : formats) {
        if (!f.equals("F32") && !f.equals("INT8")) {
          throw new IllegalArgumentException("weight format must be F32 or INT8, got " + f);
        }
      }
      for (int t : threads) {
        if (t < 1) {
          throw new IllegalArgumentException("thread counts must be at least 1, got " + t);
        }
      }
      if (promptTokens < 1 || decodeTokens < 1 || runs < 1) {
        throw new IllegalArgumentException("prompt tokens, decode tokens and runs must be >= 1");
      }
    }

    /** The recorded configuration: the ~100M model, F32 and int8, 1 and 2 threads. */
    public static Options standard(Path workDir) {
      return new Options(
          workDir, ModelSpec.bench100M(), List.of("F32", "INT8"), List.of(1, 2), 128, 64, 5);
    }
  }

  /** One format at one thread count: medians and every run, tokens/s. */
  public record Figure(
      String format,
      int threads,
      double prefillTokensPerSecond,
      double decodeTokensPerSecond,
      double[] prefillRuns,
      double[] decodeRuns) {}

  /**
   * What the F32 model computes for a 32-token prompt, for llama.cpp to reproduce: the greedy
   * continuation and, at each prompt position, the most likely next token and its probability.
   */
  public record Check(int promptTokens, int[] greedyAfterPrompt, double[][] top1) {}

  /** Generates the model when needed, then measures every format at every thread count. */
  public static List<Figure> run(Options o, Consumer<String> progress) {
    Path dir = ensureModel(o, progress);
    List<Figure> figures = new ArrayList<>();
    for (String format : o.formats()) {
      try (LlamaModel m = LlamaModel.load(dir, format.equals("INT8"))) {
        for (int t : o.threads()) {
          Figure f = measure(m, format, t, o);
          progress.accept(
              String.format(
                  "%s, %d thread(s): prefill %.1f tok/s, decode %.1f tok/s",
                  format, t, f.prefillTokensPerSecond(), f.decodeTokensPerSecond()));
          figures.add(f);
        }
      }
    }
    return figures;
  }

  /** The generated model's directory under {@code workDir} (written on first use). */
  public static Path ensureModel(Options o, Consumer<String> progress) {
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

  static Figure measure(LlamaModel m, String format, int threads, Options o) {
    int p = o.promptTokens();
    int n = o.decodeTokens();
    try (KernelPool pool = new KernelPool(threads)) {
      ForwardPass pass = new ForwardPass(m, pool, p, p + n + 1);
      int[] prompt = prompt(p, m.config().vocabSize());
      double[] prefill = new double[o.runs()];
      double[] decode = new double[o.runs()];
      for (int r = -1; r < o.runs(); r++) {
        KvCache cache = new KvCache(m.config(), p + n + 1);
        long t0 = System.nanoTime();
        prefill(pass, prompt, cache);
        long t1 = System.nanoTime();
        decode(pass, argmax(pass, 0, m.config().vocabSize()), p, n, cache, null);
        long t2 = System.nanoTime();
        if (r >= 0) {
          prefill[r] = p / ((t1 - t0) / 1e9);
          decode[r] = n / ((t2 - t1) / 1e9);
        }
      }
      return new Figure(
          format,
          threads,
          OpenLoraBenchmark.median(prefill),
          OpenLoraBenchmark.median(decode),
          prefill,
          decode);
    }
  }

  /** The F32 model's greedy continuation and per-position top-1 of a 32-token prompt. */
  public static Check check(Path modelDir, int greedyTokens) {
    int p = 32;
    try (LlamaModel m = LlamaModel.load(modelDir, false);
        KernelPool pool = new KernelPool(1)) {
      int vocab = m.config().vocabSize();
      ForwardPass pass = new ForwardPass(m, pool, p, p + greedyTokens + 1);
      int[] prompt = prompt(p, vocab);
      KvCache cache = new KvCache(m.config(), p + greedyTokens + 1);
      Batch b = new Batch(p, 1);
      for (int i = 0; i < p; i++) {
        b.addRow(prompt[i], i, cache, true);
      }
      pass.forward(b);
      double[][] top1 = new double[p][];
      float[] row = new float[vocab];
      for (int i = 0; i < p; i++) {
        pass.logitsOf(i, row);
        top1[i] = top1(row);
      }
      int[] greedy = new int[greedyTokens];
      greedy[0] = argmax(pass, p - 1, vocab);
      decode(pass, greedy[0], p, greedyTokens - 1, cache, greedy);
      return new Check(p, greedy, top1);
    }
  }

  /** The figures and check as one JSON-ready map. */
  public static Map<String, Object> asMap(List<Figure> figures, Check check) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", "openlora");
    List<Map<String, Object>> list = new ArrayList<>();
    for (Figure f : figures) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("format", f.format());
      m.put("threads", f.threads());
      m.put("prefill_tokens_per_s", f.prefillTokensPerSecond());
      m.put("decode_tokens_per_s", f.decodeTokensPerSecond());
      m.put("prefill_runs", f.prefillRuns());
      m.put("decode_runs", f.decodeRuns());
      list.add(m);
    }
    out.put("figures", list);
    if (check != null) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("prompt_tokens", check.promptTokens());
      c.put("greedy_after_prompt", check.greedyAfterPrompt());
      c.put("top1", check.top1());
      out.put("check", c);
    }
    return out;
  }

  /**
   * Token i = (7 i + 1) mod (vocab - 3): every id below the special tokens, the same in bench.mjs.
   */
  static int[] prompt(int n, int vocab) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = (int) ((7L * i + 1) % (vocab - 3));
    }
    return t;
  }

  /** One forward over the whole prompt; logits of the last row only. */
  private static void prefill(ForwardPass pass, int[] prompt, KvCache cache) {
    Batch b = new Batch(prompt.length, 1);
    for (int i = 0; i < prompt.length; i++) {
      b.addRow(prompt[i], i, cache, i == prompt.length - 1);
    }
    pass.forward(b);
  }

  /** {@code steps} greedy steps from {@code token} at {@code position}; tokens into out[1..]. */
  private static void decode(
      ForwardPass pass, int token, int position, int steps, KvCache cache, int[] out) {
    int vocab = pass.config().vocabSize();
    Batch b = new Batch(1, 1);
    for (int s = 0; s < steps; s++) {
      b.clear();
      b.addRow(token, position + s, cache, true);
      pass.forward(b);
      token = argmax(pass, 0, vocab);
      if (out != null) {
        out[s + 1] = token;
      }
    }
  }

  private static int argmax(ForwardPass pass, int row, int vocab) {
    float[] l = pass.logits();
    int best = 0;
    for (int i = 1; i < vocab; i++) {
      if (l[row * vocab + i] > l[row * vocab + best]) {
        best = i;
      }
    }
    return best;
  }

  /** [argmax, its softmax probability] of one row of logits. */
  private static double[] top1(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - logits[best]);
    }
    return new double[] {best, 1 / sum};
  }
}
