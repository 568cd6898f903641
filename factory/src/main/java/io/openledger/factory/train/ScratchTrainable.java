package io.openledger.factory.train;

import io.openledger.factory.train.DecoderWeights.Layer;
import io.openledger.factory.train.DecoderWeights.Lora;
import io.openledger.factory.train.DecoderWeights.Ref;
import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.model.Projection;
import io.openledger.openlora.safetensors.ModelTensors;
import io.openledger.openlora.safetensors.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A whole Llama-family model trained from scratch: every tensor is a parameter, named as Hugging
 * Face's LlamaForCausalLM saves it (model.embed_tokens.weight,
 * model.layers.N.input_layernorm.weight, model.layers.N.self_attn.q_proj.weight, ...,
 * model.norm.weight, lm_head.weight unless tied).
 */
public final class ScratchTrainable implements Trainable {
  /** HF Llama's initializer_range: linear and embedding weights ~ N(0, 0.02²), norms 1. */
  public static final double INIT_STD = 0.02;

  private final LlamaConfig config;
  private final Parameters params;
  private final KernelPool pool;
  private final boolean ownsPool;
  private final TrainingPass pass;

  private ScratchTrainable(LlamaConfig config, Parameters params, KernelPool pool, boolean owns) {
    if (config.attentionBias()) {
      throw new IllegalArgumentException(
          "from-scratch training of models with q/k/v biases (qwen2) is not supported");
    }
    this.config = config;
    this.params = params;
    this.pool = pool;
    this.ownsPool = owns;
    this.pass = new TrainingPass(config, weights(config, params), params.values(), pool);
  }

  /** A fresh model of the config's shape, initialised as HF Llama does, from {@code seed}. */
  public static ScratchTrainable init(TrainingConfig cfg, long seed) {
    return init(cfg, seed, new KernelPool(cfg.threads()), true);
  }

  /** As {@link #init(TrainingConfig, long)} on a caller's pool (not closed by this model). */
  public static ScratchTrainable init(TrainingConfig cfg, long seed, KernelPool pool) {
    return init(cfg, seed, pool, false);
  }

  private static ScratchTrainable init(
      TrainingConfig cfg, long seed, KernelPool pool, boolean owns) {
    if (cfg.mode() != TrainingConfig.Mode.FROM_SCRATCH) {
      throw new IllegalArgumentException("ScratchTrainable needs a FROM_SCRATCH config");
    }
    LlamaConfig c = LlamaConfig.parse(hfConfig(cfg));
    Parameters p = layout(c);
    SplittableRandom root = new SplittableRandom(seed);
    float[] v = p.values();
    for (Parameters.Segment s : p.segments()) {
      SplittableRandom r = root.split(); // one stream per tensor, in layout order
      if (s.isMatrix()) {
        for (int i = s.offset(); i < s.offset() + s.size(); i++) {
          v[i] = (float) (r.nextGaussian() * INIT_STD);
        }
      } else {
        Arrays.fill(v, s.offset(), s.offset() + s.size(), 1f);
      }
    }
    return new ScratchTrainable(c, p, pool, owns);
  }

  /** Loads every tensor of a Hugging Face model directory (config.json, *.safetensors). */
  public static ScratchTrainable load(Path hfDir, int threads) {
    return load(hfDir, new KernelPool(threads), true);
  }

  /** As {@link #load(Path, int)} on a caller's pool. */
  public static ScratchTrainable load(Path hfDir, KernelPool pool) {
    return load(hfDir, pool, false);
  }

  /** Loads with as many threads as processors. */
  public static ScratchTrainable load(Path hfDir) {
    return load(hfDir, Runtime.getRuntime().availableProcessors());
  }

  private static ScratchTrainable load(Path dir, KernelPool pool, boolean owns) {
    LlamaConfig c = LlamaConfig.read(dir);
    Parameters p = layout(c);
    try (ModelTensors files = ModelTensors.open(dir)) {
      for (Parameters.Segment s : p.segments()) {
        Tensor t = files.get(s.name());
        if (t == null) {
          throw new IllegalArgumentException(dir + " lacks " + s.name());
        }
        long[] want = Arrays.stream(s.shape()).asLongStream().toArray();
        if (!Arrays.equals(t.shape(), want)) {
          throw new IllegalArgumentException(
              s.name()
                  + " has shape "
                  + Arrays.toString(t.shape())
                  + ", config.json implies "
                  + Arrays.toString(want));
        }
        System.arraycopy(t.toFloatArray(), 0, p.values(), s.offset(), s.size());
      }
      for (String name : files.tensors().keySet()) {
        if (!p.has(name) && !(name.equals("lm_head.weight") && c.tieEmbeddings())) {
          throw new IllegalArgumentException(dir + " holds " + name + ", which this model lacks");
        }
      }
    }
    return new ScratchTrainable(c, p, pool, owns);
  }

  /**
   * config.json for a model of this shape, as transformers' LlamaConfig writes it (RoPE base 10000,
   * rms_norm_eps 1e-6, max_position_embeddings = seqLen). The writer of the model directory adds
   * the tokenizer's bos/eos ids.
   */
  public static Map<String, Object> hfConfig(TrainingConfig cfg) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architectures", List.of("LlamaForCausalLM"));
    m.put("model_type", "llama");
    m.put("hidden_act", "silu");
    m.put("hidden_size", (long) cfg.hidden());
    m.put("intermediate_size", (long) cfg.intermediate());
    m.put("num_hidden_layers", (long) cfg.layers());
    m.put("num_attention_heads", (long) cfg.heads());
    m.put("num_key_value_heads", (long) cfg.kvHeads());
    m.put("head_dim", (long) (cfg.hidden() / cfg.heads()));
    m.put("vocab_size", (long) cfg.vocab());
    m.put("max_position_embeddings", (long) cfg.seqLen());
    m.put("rms_norm_eps", 1e-6);
    m.put("rope_theta", 10000.0);
    m.put("attention_bias", false);
    m.put("mlp_bias", false);
    m.put("tie_word_embeddings", cfg.tiedEmbeddings());
    m.put("initializer_range", INIT_STD);
    m.put("torch_dtype", "float32");
    return m;
  }

  /** Hugging Face's state_dict order and names. */
  static Parameters layout(LlamaConfig c) {
    Parameters.Builder b = new Parameters.Builder();
    int dim = c.hiddenSize();
    b.add("model.embed_tokens.weight", c.vocabSize(), dim);
    for (int l = 0; l < c.layers(); l++) {
      for (Projection p : Projection.values()) {
        b.add(p.weightName(l), c.outFeatures(p), c.inFeatures(p));
      }
      b.add("model.layers." + l + ".input_layernorm.weight", dim);
      b.add("model.layers." + l + ".post_attention_layernorm.weight", dim);
    }
    b.add("model.norm.weight", dim);
    if (!c.tieEmbeddings()) {
      b.add("lm_head.weight", c.vocabSize(), dim);
    }
    return b.build();
  }

  private static DecoderWeights weights(LlamaConfig c, Parameters p) {
    float[] v = p.values();
    Layer[] layers = new Layer[c.layers()];
    for (int l = 0; l < c.layers(); l++) {
      Ref[] proj = new Ref[Projection.values().length];
      for (Projection pr : Projection.values()) {
        proj[pr.ordinal()] = new Ref(v, p.segment(pr.weightName(l)).offset(), true);
      }
      String pre = "model.layers." + l + ".";
      layers[l] =
          new Layer(
              new Ref(v, p.segment(pre + "input_layernorm.weight").offset(), true),
              proj,
              null,
              null,
              null,
              new Ref(v, p.segment(pre + "post_attention_layernorm.weight").offset(), true),
              new Lora[Projection.values().length]);
    }
    Ref embed = new Ref(v, p.segment("model.embed_tokens.weight").offset(), true);
    Ref head = c.tieEmbeddings() ? embed : new Ref(v, p.segment("lm_head.weight").offset(), true);
    return new DecoderWeights(
        embed, layers, new Ref(v, p.segment("model.norm.weight").offset(), true), head);
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

  /** Matrices (embeddings, projections, lm_head) decay; norm weights do not. */
  @Override
  public boolean decays(Parameters.Segment segment) {
    return segment.isMatrix();
  }

  @Override
  public void close() {
    if (ownsPool) {
      pool.close();
    }
  }
}
