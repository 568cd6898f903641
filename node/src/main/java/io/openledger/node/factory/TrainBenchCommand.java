package io.openledger.node.factory;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.factory.bench.TrainingBenchmark;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger bench train}: training tokens/s of the factory (LoRA rank 16 on the ~100M
 * generated model, and the small from-scratch model), each the median of several runs, and with
 * {@code --torch PYTHON} PyTorch's figure for the same model, batch and threads measured in the
 * same run by {@code factory/src/test/python/bench_train.py}, with the ratio.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Training tokens/s of the model factory, beside PyTorch (CPU) with --torch (record the"
            + " figures in docs/BENCHMARKS.md).")
public final class TrainBenchCommand implements Callable<Integer> {
  static final String SCRIPT = "factory/src/test/python/bench_train.py";

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(
      names = "--models",
      split = ",",
      paramLabel = "M,..",
      defaultValue = "lora100m,scratch",
      description = "lora100m and/or scratch (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(
      names = "--threads",
      split = ",",
      paramLabel = "N,..",
      defaultValue = "1,2",
      description = "Thread counts (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Option(
      names = "--seq-len",
      defaultValue = "256",
      description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
  int seqLen;

  @Option(
      names = "--batch",
      defaultValue = "4",
      description = "Sequences per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--steps",
      defaultValue = "5",
      description = "Timed steps per run (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description = "Runs per figure; the median is reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(
      names = "--torch",
      paramLabel = "PYTHON",
      description =
          "A Python with torch, transformers and peft: also measure PyTorch on the same shapes"
              + " (runs "
              + SCRIPT
              + ").")
  Path torch;

  @Option(
      names = "--torch-script",
      paramLabel = "FILE",
      defaultValue = SCRIPT,
      description = "The PyTorch script (default: ${DEFAULT-VALUE}, from a checkout).")
  Path torchScript;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Where the ~100M base model is written (default: <tmp>/openledger-bench-train).")
  Path workDir;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (repeats < 1) {
      throw new CliException("--repeats must be at least 1");
    }
    if (torch != null && !Files.isRegularFile(torchScript)) {
      throw new CliException(
          "--torch needs the script "
              + torchScript
              + " (run from a checkout or give --torch-script)");
    }
    List<TrainingBenchmark.Shape> shapes = new ArrayList<>();
    for (String m : models) {
      try {
        shapes.add(TrainingBenchmark.Shape.of(m));
      } catch (IllegalArgumentException e) {
        throw new CliException("--models: " + e.getMessage());
      }
    }
    Path dir =
        workDir != null
            ? workDir
            : Path.of(System.getProperty("java.io.tmpdir"), "openledger-bench-train");
    Files.createDirectories(dir);
    TrainingBenchmark bench = new TrainingBenchmark(dir);
    PrintWriter err = spec.commandLine().getErr();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TrainingBenchmark.Shape shape : shapes) {
      for (int t : threads) {
        TrainingBenchmark.Run run;
        try {
          run = new TrainingBenchmark.Run(shape, t, seqLen, batch, steps, warmup);
        } catch (IllegalArgumentException e) {
          throw new CliException(e.getMessage());
        }
        rows.add(measure(bench, run, err));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seq_len", seqLen);
    out.put("batch", batch);
    out.put("steps", steps);
    out.put("runs", repeats);
    out.put("results", rows);
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      w.println(Json.MAPPER.writeValueAsString(out));
    } else {
      w.println(
          String.format(
              Locale.ROOT,
              "batch %d x %d tokens, %d timed steps, median of %d runs",
              batch,
              seqLen,
              steps,
              repeats));
      for (Map<String, Object> r : rows) {
        w.println(
            String.format(
                Locale.ROOT,
                "%-9s %d thread(s)  java %9.1f tokens/s%s",
                r.get("model"),
                (Integer) r.get("threads"),
                (Double) r.get("java_tokens_per_s"),
                r.containsKey("torch_tokens_per_s")
                    ? String.format(
                        Locale.ROOT,
                        "  torch %9.1f tokens/s  ratio %.2fx",
                        (Double) r.get("torch_tokens_per_s"),
                        (Double) r.get("ratio"))
                    : ""));
      }
    }
    w.flush();
    return 0;
  }

  /** Alternates Java and PyTorch runs so both see the same machine, and takes each median. */
  private Map<String, Object> measure(
      TrainingBenchmark bench, TrainingBenchmark.Run run, PrintWriter err) throws Exception {
    List<Double> java = new ArrayList<>();
    List<Double> py = new ArrayList<>();
    TrainingBenchmark.Figures last = null;
    for (int i = 0; i < repeats; i++) {
      progress(err, run.shape().id() + " " + run.threads() + " thread(s): java run " + (i + 1));
      last = bench.measure(run);
      java.add(last.tokensPerSecond());
      if (torch != null) {
        progress(err, run.shape().id() + " " + run.threads() + " thread(s): torch run " + (i + 1));
        py.add(torchRun(run));
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model", run.shape().id());
    r.put("threads", run.threads());
    r.put("parameters", last.parameters());
    r.put("trainable_parameters", last.trainableParameters());
    r.put("java_tokens_per_s", median(java));
    r.put("java_runs", java);
    r.put("java_first_loss", last.firstLoss());
    r.put("java_last_loss", last.lastLoss());
    if (torch != null) {
      r.put("torch_tokens_per_s", median(py));
      r.put("torch_runs", py);
      r.put("ratio", median(java) / median(py));
    }
    return r;
  }

  private double torchRun(TrainingBenchmark.Run run) throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            torch.toString(),
            torchScript.toString(),
            "--model",
            run.shape().id(),
            "--threads",
            Integer.toString(run.threads()),
            "--seq-len",
            Integer.toString(run.seqLen()),
            "--batch",
            Integer.toString(run.batch()),
            "--steps",
            Integer.toString(run.steps()),
            "--warmup",
            Integer.toString(run.warmup()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    p.getOutputStream().close();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new CliException(
          "the PyTorch script failed (exit " + p.exitValue() + "): " + String.join(" ", cmd));
    }
    String[] lines = stdout.strip().split("\n");
    JsonNode n = Json.MAPPER.readTree(lines[lines.length - 1]);
    if (!n.has("tokensPerSecond")) {
      throw new CliException("the PyTorch script printed no tokensPerSecond: " + stdout);
    }
    return n.get("tokensPerSecond").asDouble();
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(Double::compare);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static void progress(PrintWriter err, String line) {
    err.println("[bench train] " + line);
    err.flush();
  }
}
