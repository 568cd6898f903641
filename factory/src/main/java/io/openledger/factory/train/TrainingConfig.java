package io.openledger.factory.train;

import io.openledger.openlora.model.Projection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that decides a training run.
 *
 * @param mode LoRA fine-tuning of a base model, or a model from scratch
 * @param rank LoRA r
 * @param alpha LoRA lora_alpha: the update is scaled by alpha / r (alpha / √r with rsLoRA)
 * @param useRslora PEFT's use_rslora
 * @param targets LoRA target modules, a subset of q_proj, k_proj, v_proj, o_proj, gate_proj,
 *     up_proj, down_proj
 * @param hidden from scratch: model width
 * @param layers from scratch: decoder layers
 * @param heads from scratch: attention heads
 * @param kvHeads from scratch: key/value heads (grouped-query attention when fewer)
 * @param intermediate from scratch: SwiGLU width
 * @param vocab from scratch: vocabulary size (the BPE tokenizer's)
 * @param tiedEmbeddings from scratch: lm_head shares the embedding matrix
 * @param seqLen tokens per training sequence (and the model's max_position_embeddings from scratch)
 * @param batchSequences sequences per optimizer step (gradients accumulated over them)
 * @param steps optimizer steps; 0 to derive them from epochs
 * @param epochs passes over the training sequences when steps is 0
 * @param learningRate peak learning rate
 * @param weightDecay AdamW's decoupled decay (from scratch: matrices only, not norms)
 * @param clipNorm global gradient norm clip (0: none)
 * @param warmupSteps linear warm-up steps
 * @param minLrRatio the cosine decays to learningRate · minLrRatio
 * @param seed initialisation and batch order
 * @param threads kernel threads (results do not depend on it)
 * @param heldOutFraction share of the sequences kept out of training for evaluation
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 */
public record TrainingConfig(
    Mode mode,
    int rank,
    double alpha,
    boolean useRslora,
    List<String> targets,
    int hidden,
    int layers,
    int heads,
    int kvHeads,
    int intermediate,
    int vocab,
    boolean tiedEmbeddings,
    int seqLen,
    int batchSequences,
    int steps,
    int epochs,
    double learningRate,
    double weightDecay,
    double clipNorm,
    int warmupSteps,
    double minLrRatio,
    long seed,
    int threads,
    double heldOutFraction,
    int checkpointEvery) {

  /** What is trained. */
  public enum Mode {
    LORA,
    FROM_SCRATCH
  }

  public TrainingConfig {
    targets = List.copyOf(targets);
    if (mode == null) {
      throw new IllegalArgumentException("mode is required");
    }
    if (mode == Mode.LORA) {
      if (rank <= 0) {
        throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
      }
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("LoRA needs at least one target module");
      }
      for (String t : targets) {
        if (Projection.ofModule(t) == null) {
          throw new IllegalArgumentException(
              "LoRA target "
                  + t
                  + " is not one of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
        }
      }
    } else {
      if (hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || intermediate <= 0) {
        throw new IllegalArgumentException(
            "from scratch: hidden, layers, heads, kvHeads and intermediate must be positive");
      }
      if (hidden % heads != 0 || heads % kvHeads != 0 || (hidden / heads) % 2 != 0) {
        throw new IllegalArgumentException(
            "from scratch: hidden must split into heads of even size, heads into kvHeads groups");
      }
      if (vocab <= 1) {
        throw new IllegalArgumentException("from scratch: vocab must be at least 2");
      }
    }
    if (seqLen < 2 || batchSequences < 1) {
      throw new IllegalArgumentException("seqLen must be at least 2 and batchSequences at least 1");
    }
    if (steps < 0 || epochs < 0 || (steps == 0 && epochs == 0)) {
      throw new IllegalArgumentException("give steps or epochs (positive)");
    }
    if (!(learningRate > 0) || weightDecay < 0 || clipNorm < 0) {
      throw new IllegalArgumentException(
          "learningRate must be positive, weightDecay and clipNorm not negative");
    }
    if (warmupSteps < 0 || minLrRatio < 0 || minLrRatio > 1) {
      throw new IllegalArgumentException("warmupSteps must not be negative, minLrRatio in [0, 1]");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    if (heldOutFraction < 0 || heldOutFraction >= 1) {
      throw new IllegalArgumentException("heldOutFraction must be in [0, 1)");
    }
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException("checkpointEvery must not be negative");
    }
  }

  /**
   * A LoRA config with common defaults (seqLen 256, 8 sequences a step, 100 steps, lr 2e-4, decay
   * 0.01, clip 1.0, 10 warm-up steps, seed 7, 1 thread); change them with the with-ers.
   */
  public static TrainingConfig lora(int rank, double alpha, List<String> targets) {
    return new TrainingConfig(
        Mode.LORA, rank, alpha, false, targets, 0, 0, 0, 0, 0, 0, false, 256, 8, 100, 0, 2e-4, 0.01,
        1.0, 10, 0.0, 7, 1, 0.1, 50);
  }

  /**
   * A from-scratch config with common defaults (tied embeddings, seqLen 256, 8 sequences a step,
   * 1000 steps, lr 1e-3 down to 1e-4, decay 0.01, clip 1.0, 50 warm-up steps, seed 7, 1 thread);
   * change them with the with-ers.
   */
  public static TrainingConfig fromScratch(
      int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab) {
    return new TrainingConfig(
        Mode.FROM_SCRATCH,
        0,
        0,
        false,
        List.of(),
        hidden,
        layers,
        heads,
        kvHeads,
        intermediate,
        vocab,
        true,
        256,
        8,
        1000,
        0,
        1e-3,
        0.01,
        1.0,
        50,
        0.1,
        7,
        1,
        0.1,
        100);
  }

  public TrainingConfig withSchedule(
      int steps, int warmupSteps, double learningRate, double minLrRatio) {
    Copy c = new Copy(this);
    c.steps = steps;
    c.learningRate = learningRate;
    c.warmupSteps = warmupSteps;
    c.minLrRatio = minLrRatio;
    return c.build();
  }

  public TrainingConfig withBatch(int seqLen, int batchSequences) {
    Copy c = new Copy(this);
    c.seqLen = seqLen;
    c.batchSequences = batchSequences;
    return c.build();
  }

  public TrainingConfig withOptimizer(double weightDecay, double clipNorm) {
    Copy c = new Copy(this);
    c.weightDecay = weightDecay;
    c.clipNorm = clipNorm;
    return c.build();
  }

  public TrainingConfig withRun(
      long seed, int threads, double heldOutFraction, int checkpointEvery) {
    Copy c = new Copy(this);
    c.seed = seed;
    c.threads = threads;
    c.heldOutFraction = heldOutFraction;
    c.checkpointEvery = checkpointEvery;
    return c.build();
  }

  public TrainingConfig withTiedEmbeddings(boolean tied) {
    Copy c = new Copy(this);
    c.tiedEmbeddings = tied;
    return c.build();
  }

  public TrainingConfig withRslora(boolean rslora) {
    Copy c = new Copy(this);
    c.useRslora = rslora;
    return c.build();
  }

  public TrainingConfig withEpochs(int epochs) {
    Copy c = new Copy(this);
    c.steps = 0;
    c.epochs = epochs;
    return c.build();
  }

  /** The fields as JSON-ready values, in a fixed order (training.json's "config"). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode == Mode.LORA ? "lora" : "from-scratch");
    if (mode == Mode.LORA) {
      m.put("rank", (long) rank);
      m.put("alpha", alpha);
      m.put("useRslora", useRslora);
      m.put("targets", targets);
    } else {
      m.put("hidden", (long) hidden);
      m.put("layers", (long) layers);
      m.put("heads", (long) heads);
      m.put("kvHeads", (long) kvHeads);
      m.put("intermediate", (long) intermediate);
      m.put("vocab", (long) vocab);
      m.put("tiedEmbeddings", tiedEmbeddings);
    }
    m.put("seqLen", (long) seqLen);
    m.put("batchSequences", (long) batchSequences);
    m.put("steps", (long) steps);
    m.put("epochs", (long) epochs);
    m.put("learningRate", learningRate);
    m.put("weightDecay", weightDecay);
    m.put("clipNorm", clipNorm);
    m.put("warmupSteps", (long) warmupSteps);
    m.put("minLrRatio", minLrRatio);
    m.put("seed", seed);
    m.put("threads", (long) threads);
    m.put("heldOutFraction", heldOutFraction);
    m.put("checkpointEvery", (long) checkpointEvery);
    return m;
  }

  /**
   * SHA-256 (hex) of every field that changes the result; threads and checkpointEvery are left out
   * (results do not depend on them), so a run may resume with other values.
   */
  public String hash() {
    Map<String, Object> m = toMap();
    m.remove("threads");
    m.remove("checkpointEvery");
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(m.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A mutable copy of a config, for the with-ers: change some fields, build a new config. */
  private static final class Copy {
    private Mode mode;
    private int rank;
    private double alpha;
    private boolean useRslora;
    private List<String> targets;
    private int hidden;
    private int layers;
    private int heads;
    private int kvHeads;
    private int intermediate;
    private int vocab;
    private boolean tiedEmbeddings;
    private int seqLen;
    private int batchSequences;
    private int steps;
    private int epochs;
    private double learningRate;
    private double weightDecay;
    private double clipNorm;
    private int warmupSteps;
    private double minLrRatio;
    private long seed;
    private int threads;
    private double heldOutFraction;
    private int checkpointEvery;

    Copy(TrainingConfig c) {
      mode = c.mode;
      rank = c.rank;
      alpha = c.alpha;
      useRslora = c.useRslora;
      targets = c.targets;
      hidden = c.hidden;
      layers = c.layers;
      heads = c.heads;
      kvHeads = c.kvHeads;
      intermediate = c.intermediate;
      vocab = c.vocab;
      tiedEmbeddings = c.tiedEmbeddings;
      seqLen = c.seqLen;
      batchSequences = c.batchSequences;
      steps = c.steps;
      epochs = c.epochs;
      learningRate = c.learningRate;
      weightDecay = c.weightDecay;
      clipNorm = c.clipNorm;
      warmupSteps = c.warmupSteps;
      minLrRatio = c.minLrRatio;
      seed = c.seed;
      threads = c.threads;
      heldOutFraction = c.heldOutFraction;
      checkpointEvery = c.checkpointEvery;
    }

    TrainingConfig build() {
      return new TrainingConfig(
          mode,
          rank,
          alpha,
          useRslora,
          targets,
          hidden,
          layers,
          heads,
          kvHeads,
          intermediate,
          vocab,
          tiedEmbeddings,
          seqLen,
          batchSequences,
          steps,
          epochs,
          learningRate,
          weightDecay,
          clipNorm,
          warmupSteps,
          minLrRatio,
          seed,
          threads,
          heldOutFraction,
          checkpointEvery);
    }
  }
}
