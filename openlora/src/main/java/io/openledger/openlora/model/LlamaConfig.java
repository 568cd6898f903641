package io.openledger.openlora.model;

import io.openledger.openlora.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shape of a Llama-family decoder, read from config.json. Llama 2/3, Mistral, Qwen2 and SmolLM
 * share it; they differ in head counts (grouped-query attention), RoPE base and scaling, q/k/v
 * biases (Qwen2) and tied embeddings.
 *
 * @param nameOrPath config.json's _name_or_path ("" when absent)
 * @param headDim floats per attention head (head_dim, or hidden / heads)
 * @param ropeScaling Llama 3's frequency scaling, or null
 * @param attentionBias q/k/v projections carry biases (Qwen2, or attention_bias: true)
 * @param eosTokenIds generation stops on any of these
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
    double ropeTheta,
    RopeScaling ropeScaling,
    boolean attentionBias,
    boolean tieEmbeddings,
    int bosTokenId,
    int[] eosTokenIds,
    String torchDtype) {

  static final Set<String> SUPPORTED = Set.of("llama", "mistral", "qwen2");

  /**
   * Llama 3.1's rope_scaling: long wavelengths divided by {@code factor}, short ones kept, a smooth
   * ramp between.
   */
  public record RopeScaling(
      String type,
      double factor,
      double lowFreqFactor,
      double highFreqFactor,
      int originalMaxPositions) {}

  public int qDim() {
    return heads * headDim;
  }

  public int kvDim() {
    return kvHeads * headDim;
  }

  /** Reads {@code dir/config.json}. */
  public static LlamaConfig read(Path dir) {
    Path file = dir.resolve("config.json");
    try {
      return parse(Json.parseObject(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config.json: " + e.getMessage(), e);
    }
  }

  /** Parses config.json's fields. */
  @SuppressWarnings("unchecked")
  public static LlamaConfig parse(Map<String, Object> m) {
    String type = Json.getString(m, "model_type", "");
    if (!SUPPORTED.contains(type))
      throw new IllegalArgumentException(
          "model_type \"" + type + "\" is not supported; supported: llama, mistral, qwen2");
    String act = Json.getString(m, "hidden_act", "silu");
    if (!act.equals("silu"))
      throw new IllegalArgumentException("hidden_act " + act + " is not supported (only silu)");
    int hidden = (int) Json.requireLong(m, "hidden_size");
    int heads = (int) Json.requireLong(m, "num_attention_heads");
    int kvHeads = (int) Json.getLong(m, "num_key_value_heads", heads);
    int headDim = (int) Json.getLong(m, "head_dim", heads == 0 ? 0 : hidden / heads);
    if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
      throw new IllegalArgumentException(
          "num_attention_heads "
              + heads
              + " must be a positive multiple of num_key_value_heads "
              + kvHeads);
    if (headDim <= 0 || headDim % 2 != 0)
      throw new IllegalArgumentException("head_dim " + headDim + " must be positive and even");
    int maxPos = (int) Json.getLong(m, "max_position_embeddings", 2048);
    Object window = m.get("sliding_window");
    if (window instanceof Long w && w > 0 && Json.getBoolean(m, "use_sliding_window", true))
      maxPos = (int) Math.min(maxPos, w); // no sliding-window attention: serve within one window
    RopeScaling scaling = null;
    if (m.get("rope_scaling") instanceof Map<?, ?> rs) {
      Map<String, Object> r = (Map<String, Object>) rs;
      String rt = Json.getString(r, "rope_type", Json.getString(r, "type", ""));
      if (!rt.equals("llama3") && !rt.equals("default"))
        throw new IllegalArgumentException("rope_scaling type " + rt + " is not supported");
      if (rt.equals("llama3"))
        scaling =
            new RopeScaling(
                rt,
                Json.getDouble(r, "factor", 8),
                Json.getDouble(r, "low_freq_factor", 1),
                Json.getDouble(r, "high_freq_factor", 4),
                (int) Json.getLong(r, "original_max_position_embeddings", 8192));
    }
    // Qwen2 biases q, k and v; Llama's attention_bias would also bias o_proj, which is not loaded
    if (!type.equals("qwen2") && Json.getBoolean(m, "attention_bias", false))
      throw new IllegalArgumentException("attention_bias: true (an o_proj bias) is not supported");
    if (Json.getBoolean(m, "mlp_bias", false))
      throw new IllegalArgumentException("mlp_bias: true is not supported");
    boolean bias = type.equals("qwen2");
    return new LlamaConfig(
        type,
        Json.getString(m, "_name_or_path", ""),
        hidden,
        (int) Json.requireLong(m, "intermediate_size"),
        (int) Json.requireLong(m, "num_hidden_layers"),
        heads,
        kvHeads,
        headDim,
        (int) Json.requireLong(m, "vocab_size"),
        maxPos,
        (float) Json.getDouble(m, "rms_norm_eps", 1e-6),
        Json.getDouble(m, "rope_theta", 10000),
        scaling,
        bias,
        Json.getBoolean(m, "tie_word_embeddings", false),
        (int) Json.getLong(m, "bos_token_id", -1),
        tokenIds(m.get("eos_token_id")),
        Json.getString(m, "torch_dtype", ""));
  }

  private static int[] tokenIds(Object v) {
    List<Integer> ids = new ArrayList<>();
    if (v instanceof Long l) ids.add(l.intValue());
    else if (v instanceof List<?> list)
      for (Object o : list) if (o instanceof Long l) ids.add(l.intValue());
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
}
