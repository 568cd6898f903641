package io.openledger.node.factory;

import io.openledger.factory.influence.InfluenceRecorder;
import io.openledger.factory.job.JobListener;
import io.openledger.factory.job.TrainingJob;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.factory.train.TrainingConfig;
import io.openledger.factory.train.TrainingListener;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.RpcOptions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger train}: trains a LoRA adapter on a base model, or a small model from scratch,
 * on the text of named datanet versions (read from the node's blob store and checked against each
 * version's on-chain root, licences enforced), measures each contribution's influence, and writes
 * the adapter or model directory with its {@code training.json} for {@code model register --from}.
 * A run stopped part way resumes from its last checkpoint when started again with the same
 * arguments.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Train a LoRA adapter (--lora --base DIR) or a small model (--from-scratch) on datanet"
            + " versions; writes DIR/training.json for `model register --from DIR`.")
public final class TrainCommand implements Callable<Integer> {
  @CommandLine.Mixin TrainingDataOptions data = new TrainingDataOptions();

  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModeOptions mode;

  static final class ModeOptions {
    @Option(names = "--lora", description = "Train a LoRA adapter on --base.")
    boolean lora;

    @Option(names = "--from-scratch", description = "Train a small model and its tokenizer.")
    boolean scratch;
  }

  @Option(
      names = "--base",
      paramLabel = "DIR",
      description = "With --lora: the base model (Hugging Face directory).")
  Path base;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(
      names = "--paid",
      description =
          "The model will charge for inference: refuse datanets whose licence forbids commercial"
              + " use.")
  boolean paid;

  @Option(
      names = "--rank",
      defaultValue = "16",
      description = "LoRA r (default: ${DEFAULT-VALUE}).")
  int rank;

  @Option(
      names = "--alpha",
      defaultValue = "32",
      description = "LoRA alpha (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(
      names = "--targets",
      split = ",",
      defaultValue = "q_proj,k_proj,v_proj,o_proj",
      description = "LoRA target modules (default: ${DEFAULT-VALUE}).")
  List<String> targets;

  @Option(names = "--rslora", description = "LoRA scale alpha/sqrt(r) (PEFT's use_rslora).")
  boolean rslora;

  @Option(names = "--hidden", defaultValue = "128", description = "From scratch: width.")
  int hidden;

  @Option(names = "--layers", defaultValue = "4", description = "From scratch: layers.")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "From scratch: attention heads.")
  int heads;

  @Option(names = "--kv-heads", defaultValue = "4", description = "From scratch: key/value heads.")
  int kvHeads;

  @Option(
      names = "--intermediate",
      defaultValue = "384",
      description = "From scratch: SwiGLU width.")
  int intermediate;

  @Option(
      names = "--vocab",
      defaultValue = "2048",
      description = "From scratch: BPE vocabulary size.")
  int vocab;

  @Option(names = "--untied", description = "From scratch: an lm_head of its own.")
  boolean untied;

  @Option(
      names = "--seq-len",
      defaultValue = "128",
      description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
  int seqLen;

  @Option(
      names = "--batch",
      defaultValue = "8",
      description = "Sequences per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--epochs",
      defaultValue = "1",
      description = "Passes over the data, unless --steps (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--steps", defaultValue = "0", description = "Optimizer steps (0: by epochs).")
  int steps;

  @Option(
      names = "--lr",
      description = "Peak learning rate (default: 2e-4 LoRA, 1e-3 from scratch).")
  Double lr;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.01",
      description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(
      names = "--clip",
      defaultValue = "1.0",
      description = "Gradient norm clip, 0 for none (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(
      names = "--held-out",
      defaultValue = "0.1",
      description = "Share of sequences held out for evaluation (default: ${DEFAULT-VALUE}).")
  double heldOut;

  @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--threads",
      description = "Kernel threads (default: the machine's cores; results do not depend on it).")
  Integer threads;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "100",
      description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(
      names = "--no-influence",
      description = "Skip influence: the training fee is then split by token share.")
  boolean noInfluence;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (mode.lora && base == null) {
      throw new CliException("--lora needs --base DIR (the base model)");
    }
    if (mode.scratch && base != null) {
      throw new CliException("--base goes with --lora; --from-scratch trains its own model");
    }
    if (base != null && !Files.isRegularFile(base.resolve("config.json"))) {
      throw new CliException("--base " + base + " has no config.json (a Hugging Face directory)");
    }
    TrainingConfig cfg = config();
    PrintWriter err = spec.commandLine().getErr();
    err.println("reading " + String.join(", ", data.datanets) + " (hashes and roots checked)");
    err.flush();
    DatanetTrainingSource.Read read = data.source(rpc.client()).read(data.specs(), paid);
    List<TrainingManifest.DatanetUsed> used =
        read.versions().stream()
            .map(
                v ->
                    new TrainingManifest.DatanetUsed(
                        v.datanetId(), v.version(), v.contributionsRoot().toHex()))
            .toList();
    TrainingJob.Spec job =
        new TrainingJob.Spec(
            read.documents(),
            used,
            cfg,
            Optional.ofNullable(base),
            out,
            noInfluence ? Optional.empty() : Optional.of(InfluenceRecorder.Config.DEFAULT));
    TrainingManifest manifest;
    try (Bars bars = new Bars()) {
      manifest = TrainingJob.run(job, bars);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliException(e.getMessage());
    }
    PrintWriter w = spec.commandLine().getOut();
    if (rpc.json()) {
      w.println(manifest.text());
    } else {
      manifest
          .eval()
          .ifPresent(
              e ->
                  w.println(
                      String.format(
                          Locale.ROOT,
                          "held-out loss %.4f (perplexity %.2f over %d tokens), train loss %.4f",
                          e.heldOutLoss(),
                          e.perplexity(),
                          e.heldOutTokens(),
                          e.trainLoss())));
      w.println(
          manifest.contributions().size()
              + " contributions, influence by "
              + manifest.influenceMethod().name().toLowerCase(Locale.ROOT)
              + "; register with: openledger model register --from "
              + out);
    }
    w.flush();
    return 0;
  }

  private TrainingConfig config() {
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    try {
      return new TrainingConfig(
          mode.lora ? TrainingConfig.Mode.LORA : TrainingConfig.Mode.FROM_SCRATCH,
          mode.lora ? rank : 0,
          mode.lora ? alpha : 0,
          mode.lora && rslora,
          mode.lora ? targets : List.of(),
          mode.lora ? 0 : hidden,
          mode.lora ? 0 : layers,
          mode.lora ? 0 : heads,
          mode.lora ? 0 : kvHeads,
          mode.lora ? 0 : intermediate,
          mode.lora ? 0 : vocab,
          !mode.lora && !untied,
          seqLen,
          batch,
          steps,
          steps > 0 ? 0 : epochs,
          lr != null ? lr : mode.lora ? 2e-4 : 1e-3,
          weightDecay,
          clip,
          warmup,
          0.1,
          seed,
          t,
          heldOut,
          checkpointEvery);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** A progress bar per phase; the training bar shows loss and tokens/s. */
  private static final class Bars implements JobListener, AutoCloseable {
    private ProgressBar bar;

    @Override
    public void onPhase(Phase phase, long total) {
      close();
      bar =
          new ProgressBarBuilder()
              .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
              .setUpdateIntervalMillis(250)
              .setTaskName(phase.label())
              .setInitialMax(total)
              .build();
    }

    @Override
    public void onProgress(Phase phase, long done, long total) {
      if (bar != null) {
        bar.stepTo(done);
      }
    }

    @Override
    public void onStep(TrainingListener.Step s) {
      if (bar != null) {
        bar.setExtraMessage(
            String.format(Locale.ROOT, "loss %.3f  %.0f tok/s", s.loss(), s.tokensPerSecond()));
      }
    }

    @Override
    public void onResume(long step) {
      System.err.println("resuming from the checkpoint after step " + step);
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
