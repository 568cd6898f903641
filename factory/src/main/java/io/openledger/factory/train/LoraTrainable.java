package io.openledger.factory.train;

import io.openledger.factory.train.DecoderWeights.Layer;
import io.openledger.factory.train.DecoderWeights.Lora;
import io.openledger.factory.train.DecoderWeights.Ref;
import io.openledger.openlora.adapter.AdapterConfig;
import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.kernels.Matrix;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.model.Projection;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.safetensors.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * LoRA fine-tuning: a frozen base model (openlora's {@link LlamaModel}, converted to f32 arrays)
 * and trainable lora_A [r, in] / lora_B [out, r] pairs on the chosen projections of every layer,
 * named as PEFT saves them ({@code
 * base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight}). A projection's output gains
 * scale · x·Aᵀ·Bᵀ with scale = alpha / r, or alpha / √r with rsLoRA, exactly as PEFT's LoraLayer.
 */
public final class LoraTrainable implements Trainable {
  private final LlamaConfig config;
  private final Parameters params;
  private final int rank;
  private final double alpha;
  private final boolean rslora;
  private final List<String> targets;
  private final KernelPool pool;
  private final boolean ownsPool;
  private final TrainingPass pass;

  private LoraTrainable(
      Base base,
      Parameters params,
      int rank,
      double alpha,
      boolean rslora,
      List<String> targets,
      float[][][] scales,
      KernelPool pool,
      boolean owns) {
    this.config = base.config;
    this.params = params;
    this.rank = rank;
    this.alpha = alpha;
    this.rslora = rslora;
    this.targets = List.copyOf(targets);
    this.pool = pool;
    this.ownsPool = owns;
    this.pass = new TrainingPass(config, base.weights(params, scales), params.values(), pool);
  }

  /** PEFT's tensor name of a LoRA matrix ("A" or "B"). */
  public static String tensorName(int layer, Projection p, String matrix) {
    return "base_model.model.model.layers."
        + layer
        + "."
        + p.block()
        + "."
        + p.module()
        + ".lora_"
        + matrix
        + ".weight";
  }

  /** PEFT's scaling: alpha / r, or alpha / √r with rsLoRA. */
  public static double scale(int rank, double alpha, boolean rslora) {
    return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  /**
   * A new adapter on the base in {@code baseDir}, initialised as PEFT's default: A ~ kaiming
   * uniform(a = √5), i.e. U(−1/√in, 1/√in), B = 0 (so training starts from the base model), from
   * the config's seed.
   */
  public static LoraTrainable init(Path baseDir, TrainingConfig cfg) {
    return init(baseDir, cfg, new KernelPool(cfg.threads()), true);
  }

  /** As {@link #init(Path, TrainingConfig)} on a caller's pool. */
  public static LoraTrainable init(Path baseDir, TrainingConfig cfg, KernelPool pool) {
    return init(baseDir, cfg, pool, false);
  }

  private static LoraTrainable init(
      Path baseDir, TrainingConfig cfg, KernelPool pool, boolean owns) {
    if (cfg.mode() != TrainingConfig.Mode.LORA) {
      throw new IllegalArgumentException("LoraTrainable needs a LORA config");
    }
    Base base = Base.load(baseDir);
    Set<Projection> chosen = new HashSet<>();
    for (String t : cfg.targets()) {
      chosen.add(Projection.ofModule(t));
    }
    int layers = base.config.layers();
    int[][] ranks = new int[layers][Projection.values().length];
    float[][][] scales = new float[layers][Projection.values().length][1];
    for (int l = 0; l < layers; l++) {
      for (Projection p : Projection.values()) {
        if (chosen.contains(p)) {
          ranks[l][p.ordinal()] = cfg.rank();
          scales[l][p.ordinal()][0] = (float) scale(cfg.rank(), cfg.alpha(), cfg.useRslora());
        }
      }
    }
    Parameters params = layout(base.config, ranks);
    SplittableRandom root = new SplittableRandom(cfg.seed());
    float[] v = params.values();
    for (Parameters.Segment s : params.segments()) {
      SplittableRandom r = root.split();
      if (s.name().contains(".lora_A.")) {
        double bound = 1 / Math.sqrt(s.shape()[1]); // kaiming_uniform_(a=√5): gain/√fan_in·√3
        for (int i = s.offset(); i < s.offset() + s.size(); i++) {
          v[i] = (float) (r.nextDouble(-bound, bound));
        }
      } // lora_B stays 0
    }
    List<String> targets = new ArrayList<>();
    for (Projection p : Projection.values()) {
      if (chosen.contains(p)) {
        targets.add(p.module());
      }
    }
    return new LoraTrainable(
        base, params, cfg.rank(), cfg.alpha(), cfg.useRslora(), targets, scales, pool, owns);
  }

  /** Loads a PEFT adapter (adapter_config.json, adapter_model.safetensors) to train it further. */
  public static LoraTrainable load(Path baseDir, Path adapterDir, int threads) {
    return load(baseDir, adapterDir, new KernelPool(threads), true);
  }

  /** As {@link #load(Path, Path, int)} on a caller's pool. */
  public static LoraTrainable load(Path baseDir, Path adapterDir, KernelPool pool) {
    return load(baseDir, adapterDir, pool, false);
  }

  /** Loads with as many threads as processors. */
  public static LoraTrainable load(Path baseDir, Path adapterDir) {
    return load(baseDir, adapterDir, Runtime.getRuntime().availableProcessors());
  }

  private static LoraTrainable load(Path baseDir, Path adapterDir, KernelPool pool, boolean owns) {
    Base base = Base.load(baseDir);
    AdapterConfig cfg;
    try {
      cfg =
          AdapterConfig.parse(
              JsonMaps.parseObject(Files.readString(adapterDir.resolve("adapter_config.json"))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + adapterDir + "/adapter_config.json", e);
    }
    int layers = base.config.layers();
    int[][] ranks = new int[layers][Projection.values().length];
    float[][][] scales = new float[layers][Projection.values().length][1];
    List<String> targets = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      for (Projection p : Projection.values()) {
        if (cfg.targets(l, p)) {
          ranks[l][p.ordinal()] = cfg.rank(l, p);
          scales[l][p.ordinal()][0] = (float) cfg.scale(l, p);
          if (!targets.contains(p.module())) {
            targets.add(p.module());
          }
        }
      }
    }
    Parameters params = layout(base.config, ranks);
    Path file = adapterDir.resolve("adapter_model.safetensors");
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      Set<String> used = new HashSet<>();
      for (Parameters.Segment s : params.segments()) {
        Tensor t = f.tensor(s.name());
        String name = s.name();
        if (t == null) {
          name = s.name().replace(".weight", ".default.weight");
          t = f.tensor(name);
        }
        if (t == null) {
          throw new IllegalArgumentException(file + " lacks " + s.name());
        }
        long[] want = Arrays.stream(s.shape()).asLongStream().toArray();
        if (!Arrays.equals(t.shape(), want)) {
          throw new IllegalArgumentException(
              name
                  + " has shape "
                  + Arrays.toString(t.shape())
                  + ", expected "
                  + Arrays.toString(want));
        }
        System.arraycopy(t.toFloatArray(), 0, params.values(), s.offset(), s.size());
        used.add(name);
      }
      for (String name : f.tensors().keySet()) {
        if (!used.contains(name)) {
          throw new IllegalArgumentException(
              file + " holds " + name + ", which adapter_config.json does not target");
        }
      }
    }
    return new LoraTrainable(
        base, params, cfg.rank(), cfg.alpha(), cfg.rsLora(), targets, scales, pool, owns);
  }

  /** lora_A then lora_B of each adapted projection, layer by layer, in projection order. */
  private static Parameters layout(LlamaConfig c, int[][] ranks) {
    Parameters.Builder b = new Parameters.Builder();
    for (int l = 0; l < c.layers(); l++) {
      for (Projection p : Projection.values()) {
        int r = ranks[l][p.ordinal()];
        if (r > 0) {
          b.add(tensorName(l, p, "A"), r, c.inFeatures(p));
          b.add(tensorName(l, p, "B"), c.outFeatures(p), r);
        }
      }
    }
    return b.build();
  }

  /** The frozen base, every tensor copied to an f32 array. */
  private record Base(
      LlamaConfig config,
      float[] embed,
      float[][][] projections,
      float[][] attnNorms,
      float[][] ffnNorms,
      float[][][] biases,
      float[] finalNorm,
      float[] head) {

    static Base load(Path dir) {
      try (LlamaModel m = LlamaModel.load(dir, false)) {
        LlamaConfig c = m.config();
        int n = c.layers();
        float[][][] proj = new float[n][Projection.values().length][];
        float[][] an = new float[n][];
        float[][] fn = new float[n][];
        float[][][] bias = new float[n][][];
        for (int l = 0; l < n; l++) {
          LlamaModel.Layer layer = m.layer(l);
          for (Projection p : Projection.values()) {
            proj[l][p.ordinal()] = toArray(layer.weight(p));
          }
          an[l] = layer.attnNorm().clone();
          fn[l] = layer.ffnNorm().clone();
          if (layer.qBias() != null) {
            bias[l] = new float[][] {layer.qBias(), layer.kBias(), layer.vBias()};
          }
        }
        float[] embed = toArray(m.embedding());
        float[] head = m.lmHead() == m.embedding() ? embed : toArray(m.lmHead());
        return new Base(c, embed, proj, an, fn, bias, m.finalNorm().clone(), head);
      }
    }

    private static float[] toArray(Matrix w) {
      float[] a = new float[Math.multiplyExact(w.rows(), w.cols())];
      for (int r = 0; r < w.rows(); r++) {
        w.rowInto(r, a, r * w.cols());
      }
      return a;
    }

    DecoderWeights weights(Parameters params, float[][][] scales) {
      Layer[] layers = new Layer[config.layers()];
      for (int l = 0; l < layers.length; l++) {
        Ref[] proj = new Ref[Projection.values().length];
        Lora[] lora = new Lora[Projection.values().length];
        for (Projection p : Projection.values()) {
          proj[p.ordinal()] = Ref.frozen(projections[l][p.ordinal()]);
          String a = tensorName(l, p, "A");
          if (params.has(a)) {
            Parameters.Segment sa = params.segment(a);
            Parameters.Segment sb = params.segment(tensorName(l, p, "B"));
            lora[p.ordinal()] =
                new Lora(sa.offset(), sb.offset(), sa.shape()[0], scales[l][p.ordinal()][0]);
          }
        }
        float[][] b = biases[l];
        layers[l] =
            new Layer(
                Ref.frozen(attnNorms[l]),
                proj,
                b == null ? null : b[0],
                b == null ? null : b[1],
                b == null ? null : b[2],
                Ref.frozen(ffnNorms[l]),
                lora);
      }
      Ref e = Ref.frozen(embed);
      Ref h = head == embed ? e : Ref.frozen(head);
      return new DecoderWeights(e, layers, Ref.frozen(finalNorm), h);
    }
  }

  public int rank() {
    return rank;
  }

  public double alpha() {
    return alpha;
  }

  public boolean rslora() {
    return rslora;
  }

  /** Adapted modules, in projection order ("q_proj", ...). */
  public List<String> targets() {
    return targets;
  }

  @Override
  public Parameters parameters() {
    return params;
  }

  @Override
  public LlamaConfig config() {
    return config;
  }

  @Override
  public double lossAndGradient(int[] tokens, float[] gradInto) {
    if (gradInto.length != params.size()) {
      throw new IllegalArgumentException("gradient array does not match the parameters");
    }
    return pass.run(tokens, gradInto);
  }

  @Override
  public double loss(int[] tokens) {
    return pass.run(tokens, null);
  }

  /** Every adapter matrix decays (PEFT fine-tuning applies AdamW's decay to all of them). */
  @Override
  public boolean decays(Parameters.Segment segment) {
    return true;
  }

  @Override
  public void close() {
    if (ownsPool) {
      pool.close();
    }
  }
}
