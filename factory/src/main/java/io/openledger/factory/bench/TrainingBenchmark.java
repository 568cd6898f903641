package io.openledger.factory.bench;

import io.openledger.factory.train.AdamW;
import io.openledger.factory.train.CosineSchedule;
import io.openledger.factory.train.LoraTrainable;
import io.openledger.factory.train.ScratchTrainable;
import io.openledger.factory.train.Trainable;
import io.openledger.factory.train.Trainer;
import io.openledger.factory.train.TrainingConfig;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training throughput, measured the way {@code factory/src/test/python/bench_train.py} measures
 * PyTorch so the two can be set side by side: one step is the forward and backward pass of {@code
 * batch} random sequences of {@code seqLen} tokens, clipping to norm 1, an AdamW step (weight decay
 * 0.01) and the cosine schedule; {@code warmup} steps run first untimed; tokens/s counts the batch
 * × seqLen input tokens of each timed step.
 */
public final class TrainingBenchmark {
  /** The two shapes of the benchmark. */
  public enum Shape {
    /** LoRA rank 16 (alpha 32) on all seven projections of OpenLoRA's ~100M generated model. */
    LORA100M("lora100m"),
    /** Hidden 256, 4 layers, 4 heads, intermediate 688, vocabulary 2048, tied head. */
    SCRATCH("scratch");

    private final String id;

    Shape(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** The shape called {@code id}; anything else is refused with the names that exist. */
    public static Shape of(String id) {
      for (Shape s : values()) {
        if (s.id.equals(id)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown shape " + id + " (lora100m or scratch)");
    }
  }

  /** One run's settings. */
  public record Run(Shape shape, int threads, int seqLen, int batch, int steps, int warmup) {
    public Run {
      if (threads < 1 || seqLen < 2 || batch < 1 || steps < 1 || warmup < 0) {
        throw new IllegalArgumentException(
            "threads, batch and steps at least 1, seqLen at least 2, warmup not negative");
      }
    }
  }

  /** One run's figures. */
  public record Figures(
      Run run,
      double tokensPerSecond,
      double seconds,
      long parameters,
      long trainableParameters,
      double firstLoss,
      double lastLoss) {}

  private static final List<String> ALL_PROJECTIONS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  private final Path workDir;

  /**
   * @param workDir where the generated ~100M base model is written once and reused
   */
  public TrainingBenchmark(Path workDir) {
    this.workDir = workDir;
  }

  /** The training config of a run: the same hyper-parameters as the PyTorch script's. */
  static TrainingConfig config(Run r) {
    int total = r.warmup() + r.steps();
    TrainingConfig base =
        switch (r.shape()) {
          case LORA100M -> TrainingConfig.lora(16, 32, ALL_PROJECTIONS);
          case SCRATCH -> TrainingConfig.fromScratch(256, 4, 4, 4, 688, 2048);
        };
    double lr = r.shape() == Shape.LORA100M ? 2e-4 : 1e-3;
    return base.withBatch(r.seqLen(), r.batch())
        .withSchedule(total, Math.max(1, total / 10), lr, 0.0)
        .withOptimizer(0.01, 1.0)
        .withRun(7, r.threads(), 0.0, 0);
  }

  /** The ~100M base model, generated into the work directory on first use. */
  public Path baseModel() {
    Path dir = workDir.resolve(ModelSpec.bench100M().name());
    if (!Files.exists(dir.resolve("model.safetensors"))) {
      TestModels.writeModel(dir, ModelSpec.bench100M());
    }
    return dir;
  }

  /** Runs one measurement. */
  public Figures measure(Run r) {
    TrainingConfig cfg = config(r);
    try (Trainable model =
        r.shape() == Shape.LORA100M
            ? LoraTrainable.init(baseModel(), cfg)
            : ScratchTrainable.init(cfg, cfg.seed())) {
      int vocab = model.config().vocabSize();
      List<int[]> batches = randomSequences(r, vocab);
      float[] grad = new float[model.parameters().size()];
      AdamW opt = AdamW.standard(model.parameters(), cfg.weightDecay(), model::decays);
      int total = r.warmup() + r.steps();
      CosineSchedule schedule =
          new CosineSchedule(cfg.learningRate(), cfg.warmupSteps(), total, cfg.minLrRatio());
      double first = Double.NaN;
      double last = Double.NaN;
      long began = 0;
      for (int step = 0; step < total; step++) {
        if (step == r.warmup()) {
          began = System.nanoTime();
        }
        List<int[]> batch = new ArrayList<>(r.batch());
        for (int b = 0; b < r.batch(); b++) {
          batch.add(batches.get((step * r.batch() + b) % batches.size()));
        }
        double loss =
            Trainer.step(model, batch, grad, opt, schedule.lr(step), cfg.clipNorm()).loss();
        if (step == 0) {
          first = loss;
        }
        last = loss;
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      long tokens = (long) r.batch() * r.seqLen() * r.steps();
      long all = parameters(model.config()) + (r.shape() == Shape.LORA100M ? grad.length : 0);
      return new Figures(r, tokens / seconds, seconds, all, model.parameters().size(), first, last);
    }
  }

  /** Parameters of a Llama decoder of config {@code c} (no biases), as transformers counts them. */
  static long parameters(LlamaConfig c) {
    long d = c.hiddenSize();
    long perLayer =
        2 * d // the two norms
            + d * c.qDim() * 2L // q_proj, o_proj
            + d * c.kvDim() * 2L // k_proj, v_proj
            + 3 * d * c.intermediateSize(); // gate, up, down
    long embed = (long) c.vocabSize() * d;
    return embed + c.layers() * perLayer + d + (c.tieEmbeddings() ? 0 : embed);
  }

  /** Eight batches of seeded random tokens, cycled (as the PyTorch script does). */
  private static List<int[]> randomSequences(Run r, int vocab) {
    SplittableRandom rnd = new SplittableRandom(8);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < Math.min(r.warmup() + r.steps(), 8) * r.batch(); i++) {
      out.add(rnd.ints(r.seqLen(), 0, vocab).toArray());
    }
    return out;
  }
}
