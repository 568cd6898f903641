package io.openledger.openlora.model;

import io.openledger.openlora.json.JsonMaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shape of a Llama-family decoder, read from config.json as transformers 4 and 5 write it.
 * Llama 2/3, Mistral, Qwen2 and SmolLM share it; they differ in head counts (grouped-query
 * attention), RoPE base and scaling, q/k/v biases (Qwen2), sliding-window attention (Mistral,
 * Qwen2) and tied embeddings.
 *
 * <p>Every key that changes the math is either honoured or refused with its name (see {@link
 * #HONOURED} and {@link #refusals}); keys known to be inert are listed in {@link #INERT}; any other
 * key is returned by {@link #unknownKeys()} so the engine can warn about it.
 *
 * @param nameOrPath config.json's _name_or_path ("" when absent)
 * @param headDim floats per attention head (head_dim, or hidden / heads)
 * @param maxPositions the longest sequence served: max_position_embeddings, or less where the math
 *     is only reproduced that far (dynamic RoPE)
 * @param rope the rotary embedding (rope_parameters, or rope_theta + rope_scaling)
 * @param slidingWindows per layer: how many positions a query attends (itself included), 0 for all
 * @param attentionBias q/k/v projections carry biases (Qwen2)
 * @param eosTokenIds generation stops on any of these
 * @param unknownKeys top-level keys this reader does not know (assumed not to change the math)
 */
public record LlamaConfig(
    String modelType,
    String nameOrPath,
    int hiddenSize,
    int intermediateSize,
    int layers,
    int heads,
    int kvHeads,
    int headDim,
    int vocabSize,
    int maxPositions,
    float rmsNormEps,
    Rope rope,
    int[] slidingWindows,
    boolean attentionBias,
    boolean tieEmbeddings,
    int bosTokenId,
    int[] eosTokenIds,
    String torchDtype,
    List<String> unknownKeys) {

  static final Set<String> SUPPORTED = Set.of("llama", "mistral", "qwen2");

  /** Keys read and honoured (or refused when their value asks for something not implemented). */
  public static final Set<String> HONOURED =
      Set.of(
          "model_type",
          "_name_or_path",
          "hidden_act",
          "hidden_size",
          "intermediate_size",
          "num_hidden_layers",
          "num_attention_heads",
          "num_key_value_heads",
          "head_dim",
          "vocab_size",
          "max_position_embeddings",
          "rms_norm_eps",
          "rope_theta",
          "rope_scaling",
          "rope_parameters",
          "partial_rotary_factor",
          "original_max_position_embeddings",
          "attention_bias",
          "mlp_bias",
          "tie_word_embeddings",
          "bos_token_id",
          "eos_token_id",
          "sliding_window",
          "use_sliding_window",
          "max_window_layers",
          "layer_types",
          "torch_dtype",
          "dtype",
          "quantization_config",
          "pretraining_tp");

  /**
   * Keys that do not change the forward pass in inference (training settings, generation defaults,
   * bookkeeping). pretraining_tp > 1 only splits matmuls in transformers 4 (the same sums in
   * another order).
   */
  public static final Set<String> INERT =
      Set.of(
          "architectures",
          "attention_dropout",
          "initializer_range",
          "pad_token_id",
          "transformers_version",
          "use_cache",
          "auto_map",
          "id2label",
          "label2id",
          "output_attentions",
          "output_hidden_states",
          "return_dict",
          "torchscript",
          "use_return_dict",
          "tokenizer_class",
          "problem_type",
          "is_encoder_decoder",
          "is_decoder",
          "add_cross_attention",
          "tie_encoder_decoder",
          "chunk_size_feed_forward",
          "pruned_heads",
          "finetuning_task",
          "task_specific_params",
          "prefix",
          "sep_token_id",
          "decoder_start_token_id",
          "cross_attention_hidden_size",
          "_attn_implementation_autoset",
          "_attn_implementation",
          "max_length",
          "min_length",
          "do_sample",
          "early_stopping",
          "num_beams",
          "temperature",
          "top_k",
          "top_p",
          "repetition_penalty",
          "length_penalty",
          "no_repeat_ngram_size",
          "num_return_sequences",
          "bad_words_ids",
          "diversity_penalty",
          "typical_p",
          "use_bfloat16",
          "model_name",
          "_commit_hash",
          "rope_interleave_disabled");

  /**
   * The rotary embedding as transformers computes it ({@code modeling_rope_utils}).
   *
   * @param type default, linear, llama3, dynamic or yarn
   * @param theta the base (rope_theta)
   * @param factor linear/llama3/dynamic/yarn scaling factor
   * @param lowFreqFactor llama3: wavelengths above originalMaxPositions / this are divided by
   *     factor
   * @param highFreqFactor llama3: wavelengths below originalMaxPositions / this are kept
   * @param originalMaxPositions the pretraining context (llama3, yarn)
   * @param attentionFactor yarn: cos and sin are multiplied by it (1 otherwise)
   * @param betaFast yarn's ramp bounds, in rotations
   * @param truncate yarn: floor/ceil the correction range
   */
  public record Rope(
      String type,
      double theta,
      double factor,
      double lowFreqFactor,
      double highFreqFactor,
      int originalMaxPositions,
      double attentionFactor,
      double betaFast,
      double betaSlow,
      boolean truncate) {
    static Rope unscaled(double theta) {
      return new Rope("default", theta, 1, 0, 0, 0, 1, 0, 0, false);
    }
  }

  public int qDim() {
    return heads * headDim;
  }

  public int kvDim() {
    return kvHeads * headDim;
  }

  /** Positions a query of {@code layer} attends, itself included; 0 for every earlier one. */
  public int slidingWindow(int layer) {
    return slidingWindows[layer];
  }

  /** Reads {@code dir/config.json}. */
  public static LlamaConfig read(Path dir) {
    Path file = dir.resolve("config.json");
    try {
      return parse(JsonMaps.parseObject(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config.json: " + e.getMessage(), e);
    }
  }

  /** Parses config.json's fields. */
  public static LlamaConfig parse(Map<String, Object> m) {
    String type = JsonMaps.getString(m, "model_type", "");
    if (!SUPPORTED.contains(type)) {
      throw new IllegalArgumentException(
          "model_type \"" + type + "\" is not supported; supported: llama, mistral, qwen2");
    }
    refusals(m, type);
    int hidden = (int) JsonMaps.requireLong(m, "hidden_size");
    int heads = (int) JsonMaps.requireLong(m, "num_attention_heads");
    int kvHeads = (int) JsonMaps.getLong(m, "num_key_value_heads", heads);
    int headDim = (int) JsonMaps.getLong(m, "head_dim", heads == 0 ? 0 : hidden / heads);
    if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads "
              + heads
              + " must be a positive multiple of num_key_value_heads "
              + kvHeads);
    }
    if (headDim <= 0 || headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim " + headDim + " must be positive and even");
    }
    int layers = (int) JsonMaps.requireLong(m, "num_hidden_layers");
    int maxPos = (int) JsonMaps.getLong(m, "max_position_embeddings", 2048);
    Rope rope = rope(m, maxPos);
    if (rope.type().equals("dynamic")) {
      // dynamic NTK changes the frequencies only once a sequence outgrows max_position_embeddings
      // (transformers' dynamic_rope_update); within it the frequencies are the default ones
      maxPos = Math.min(maxPos, rope.originalMaxPositions());
    }
    // Qwen2 biases q, k and v (its o_proj has none); Llama's attention_bias is refused above
    boolean bias = type.equals("qwen2");
    return new LlamaConfig(
        type,
        JsonMaps.getString(m, "_name_or_path", ""),
        hidden,
        (int) JsonMaps.requireLong(m, "intermediate_size"),
        layers,
        heads,
        kvHeads,
        headDim,
        (int) JsonMaps.requireLong(m, "vocab_size"),
        maxPos,
        (float) JsonMaps.getDouble(m, "rms_norm_eps", 1e-6),
        rope,
        slidingWindows(m, type, layers),
        bias,
        JsonMaps.getBoolean(m, "tie_word_embeddings", false),
        (int) JsonMaps.getLong(m, "bos_token_id", -1),
        tokenIds(m.get("eos_token_id")),
        JsonMaps.getString(m, "torch_dtype", JsonMaps.getString(m, "dtype", "")),
        unknown(m));
  }

  /** Keys whose values ask for math this engine does not do. */
  private static void refusals(Map<String, Object> m, String type) {
    String act = JsonMaps.getString(m, "hidden_act", "silu");
    if (!act.equals("silu")) {
      throw new IllegalArgumentException("hidden_act " + act + " is not supported (only silu)");
    }
    if (!type.equals("qwen2") && JsonMaps.getBoolean(m, "attention_bias", false)) {
      throw new IllegalArgumentException(
          "attention_bias: true (biases on q, k, v and o_proj) is not supported");
    }
    if (JsonMaps.getBoolean(m, "mlp_bias", false)) {
      throw new IllegalArgumentException("mlp_bias: true is not supported");
    }
    if (m.get("quantization_config") != null) {
      throw new IllegalArgumentException(
          "quantization_config is not supported: serve the unquantized F32/F16/BF16 weights");
    }
    if (m.get("partial_rotary_factor") instanceof Number p && p.doubleValue() != 1.0) {
      throw new IllegalArgumentException(
          "partial_rotary_factor " + p + " is not supported (RoPE over the whole head only)");
    }
  }

  /**
   * rope_parameters (transformers 5) or rope_theta + rope_scaling (transformers 4), as {@code
   * PreTrainedConfig.standardize_rope_params} reads them.
   */
  @SuppressWarnings("unchecked")
  private static Rope rope(Map<String, Object> m, int maxPos) {
    Object params = m.get("rope_parameters");
    Object legacy = m.get("rope_scaling");
    Map<String, Object> r;
    String where;
    if (params instanceof Map<?, ?> p) {
      r = (Map<String, Object>) p;
      where = "rope_parameters";
      if (r.get("full_attention") instanceof Map || r.get("sliding_attention") instanceof Map) {
        throw new IllegalArgumentException(
            "rope_parameters per layer type (" + r.keySet() + ") is not supported");
      }
    } else if (params != null) {
      throw new IllegalArgumentException("rope_parameters must be an object, got " + params);
    } else if (legacy instanceof Map<?, ?> p) {
      r = (Map<String, Object>) p;
      where = "rope_scaling";
    } else if (legacy != null) {
      throw new IllegalArgumentException("rope_scaling must be an object, got " + legacy);
    } else {
      r = Map.of();
      where = "rope_scaling";
    }
    double theta = JsonMaps.getDouble(r, "rope_theta", JsonMaps.getDouble(m, "rope_theta", 10000));
    if (r.get("partial_rotary_factor") instanceof Number p && p.doubleValue() != 1.0) {
      throw new IllegalArgumentException(
          where + ".partial_rotary_factor " + p + " is not supported (RoPE over the whole head)");
    }
    String type = JsonMaps.getString(r, "rope_type", JsonMaps.getString(r, "type", "default"));
    // transformers gives a top-level original_max_position_embeddings priority over the dict's
    int original =
        (int)
            JsonMaps.getLong(
                m,
                "original_max_position_embeddings",
                JsonMaps.getLong(r, "original_max_position_embeddings", maxPos));
    return switch (type) {
      case "default" -> Rope.unscaled(theta);
      case "linear", "dynamic" -> {
        double factor = requireFactor(r, where, type);
        // dynamic: within max_position_embeddings (the engine's cap) the default frequencies
        int limit = type.equals("dynamic") ? maxPos : 0;
        yield new Rope(type, theta, factor, 0, 0, limit, 1, 0, 0, false);
      }
      case "llama3" ->
          new Rope(
              type,
              theta,
              requireFactor(r, where, type),
              requireDouble(r, where, "low_freq_factor"),
              requireDouble(r, where, "high_freq_factor"),
              (int) JsonMaps.getLong(r, "original_max_position_embeddings", original),
              1,
              0,
              0,
              false);
      case "yarn" -> yarn(r, m, theta, original, maxPos, where);
      default ->
          throw new IllegalArgumentException(
              where
                  + " rope_type "
                  + type
                  + " is not supported; supported: default, linear, dynamic, llama3, yarn");
    };
  }

  /** YaRN as transformers' _compute_yarn_parameters: the attention factor from factor/mscale. */
  private static Rope yarn(
      Map<String, Object> r,
      Map<String, Object> m,
      double theta,
      int original,
      int maxPos,
      String where) {
    double factor =
        r.get("factor") instanceof Number f ? f.doubleValue() : (double) maxPos / original;
    double attention;
    if (r.get("attention_factor") instanceof Number a) {
      attention = a.doubleValue();
    } else {
      double mscale = JsonMaps.getDouble(r, "mscale", 0);
      double mscaleAllDim = JsonMaps.getDouble(r, "mscale_all_dim", 0);
      attention =
          mscale != 0 && mscaleAllDim != 0
              ? yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim)
              : yarnMscale(factor, 1);
    }
    double betaFast = JsonMaps.getDouble(r, "beta_fast", 0);
    double betaSlow = JsonMaps.getDouble(r, "beta_slow", 0);
    return new Rope(
        "yarn",
        theta,
        factor,
        0,
        0,
        original,
        attention,
        betaFast == 0 ? 32 : betaFast,
        betaSlow == 0 ? 1 : betaSlow,
        JsonMaps.getBoolean(r, "truncate", true));
  }

  private static double yarnMscale(double scale, double mscale) {
    return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
  }

  private static double requireFactor(Map<String, Object> r, String where, String type) {
    double f = requireDouble(r, where, "factor");
    if (!(f >= 1)) {
      throw new IllegalArgumentException(where + " " + type + " factor " + f + " must be >= 1");
    }
    return f;
  }

  private static double requireDouble(Map<String, Object> r, String where, String key) {
    if (!(r.get(key) instanceof Number n)) {
      throw new IllegalArgumentException(where + " needs a number " + key);
    }
    return n.doubleValue();
  }

  /**
   * Sliding-window attention per layer: Mistral's sliding_window on every layer; Qwen2's on layers
   * from max_window_layers on when use_sliding_window; transformers 5's layer_types when given.
   */
  private static int[] slidingWindows(Map<String, Object> m, String type, int layers) {
    int[] out = new int[layers];
    long window = m.get("sliding_window") instanceof Number w ? w.longValue() : 0;
    if (type.equals("llama")) {
      if (window > 0) {
        throw new IllegalArgumentException(
            "sliding_window " + window + " on a llama model is not supported");
      }
      return out;
    }
    if (type.equals("qwen2") && !JsonMaps.getBoolean(m, "use_sliding_window", false)) {
      window = 0;
    }
    if (window < 0 || window > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("sliding_window " + window + " is out of range");
    }
    Object types = m.get("layer_types");
    if (types instanceof List<?> list) {
      if (list.size() != layers) {
        throw new IllegalArgumentException(
            "layer_types has " + list.size() + " entries for " + layers + " layers");
      }
      for (int l = 0; l < layers; l++) {
        Object t = list.get(l);
        if ("sliding_attention".equals(t)) {
          if (window <= 0) {
            throw new IllegalArgumentException(
                "layer_types names sliding_attention but sliding_window is not set");
          }
          out[l] = (int) window;
        } else if (!"full_attention".equals(t)) {
          throw new IllegalArgumentException(
              "layer_types entry " + t + " is not supported (full_attention, sliding_attention)");
        }
      }
      return out;
    } else if (types != null) {
      throw new IllegalArgumentException("layer_types must be a list, got " + types);
    }
    int from = type.equals("qwen2") ? (int) JsonMaps.getLong(m, "max_window_layers", 28) : 0;
    for (int l = Math.max(0, from); l < layers; l++) {
      out[l] = (int) window;
    }
    return out;
  }

  private static List<String> unknown(Map<String, Object> m) {
    Set<String> out = new TreeSet<>();
    for (String k : m.keySet()) {
      if (!HONOURED.contains(k) && !INERT.contains(k)) {
        out.add(k);
      }
    }
    return List.copyOf(out);
  }

  private static int[] tokenIds(Object v) {
    List<Integer> ids = new ArrayList<>();
    if (v instanceof Long l) {
      ids.add(l.intValue());
    } else if (v instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Long l) {
          ids.add(l.intValue());
        }
      }
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Input and output features of a projection. */
  public int inFeatures(Projection p) {
    return switch (p) {
      case Q_PROJ, K_PROJ, V_PROJ, GATE_PROJ, UP_PROJ -> hiddenSize;
      case O_PROJ -> qDim();
      case DOWN_PROJ -> intermediateSize;
    };
  }

  public int outFeatures(Projection p) {
    return switch (p) {
      case Q_PROJ -> qDim();
      case K_PROJ, V_PROJ -> kvDim();
      case O_PROJ -> hiddenSize;
      case GATE_PROJ, UP_PROJ -> intermediateSize;
      case DOWN_PROJ -> hiddenSize;
    };
  }

  @Override
  public String toString() {
    return "LlamaConfig["
        + modelType
        + ", layers "
        + layers
        + ", width "
        + hiddenSize
        + ", rope "
        + rope
        + ", windows "
        + Arrays.toString(slidingWindows)
        + "]";
  }
}
