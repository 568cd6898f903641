package io.openledger.factory.out;

import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a model trained from scratch as a Hugging Face Llama directory, as transformers 5's {@code
 * LlamaForCausalLM.save_pretrained} does in F32: {@code config.json} and {@code
 * generation_config.json} (keys sorted, two-space indent; no transformers_version, since
 * transformers did not write them), {@code model.safetensors} (tensors sorted by name, metadata
 * {"format": "pt"}, no lm_head when embeddings are tied), and the tokenizer's {@code
 * tokenizer.json} and {@code tokenizer_config.json}.
 */
public final class HfModelWriter {
  private HfModelWriter() {}

  /**
   * The model's shape and the config.json fields that go with it.
   *
   * @param maxPositions max_position_embeddings: the context trained for
   * @param ropeTheta the RoPE base
   */
  public record HfModelConfig(
      int hiddenSize,
      int intermediateSize,
      int layers,
      int heads,
      int kvHeads,
      int vocabSize,
      int maxPositions,
      double rmsNormEps,
      double ropeTheta,
      boolean tieEmbeddings,
      int bosTokenId,
      int eosTokenId) {
    public HfModelConfig {
      if (hiddenSize <= 0 || heads <= 0 || hiddenSize % heads != 0) {
        throw new IllegalArgumentException(
            "hidden size " + hiddenSize + " is not a positive multiple of heads " + heads);
      }
      if (kvHeads <= 0 || heads % kvHeads != 0) {
        throw new IllegalArgumentException(
            "heads " + heads + " is not a multiple of kv heads " + kvHeads);
      }
      if (intermediateSize <= 0 || layers <= 0 || vocabSize <= 0 || maxPositions <= 0) {
        throw new IllegalArgumentException("sizes must be positive: " + this);
      }
      if (bosTokenId < 0 || bosTokenId >= vocabSize || eosTokenId < 0 || eosTokenId >= vocabSize) {
        throw new IllegalArgumentException(
            "bos " + bosTokenId + " and eos " + eosTokenId + " must be below vocab " + vocabSize);
      }
    }

    public int headDim() {
      return hiddenSize / heads;
    }
  }

  /** The tensors of a model of shape {@code c}, with their shapes, in Hugging Face's order. */
  public static Map<String, int[]> tensorShapes(HfModelConfig c) {
    int d = c.hiddenSize();
    int kv = c.headDim() * c.kvHeads();
    int ff = c.intermediateSize();
    Map<String, int[]> s = new LinkedHashMap<>();
    s.put("model.embed_tokens.weight", new int[] {c.vocabSize(), d});
    for (int l = 0; l < c.layers(); l++) {
      String p = "model.layers." + l + ".";
      s.put(p + "input_layernorm.weight", new int[] {d});
      s.put(p + "self_attn.q_proj.weight", new int[] {d, d});
      s.put(p + "self_attn.k_proj.weight", new int[] {kv, d});
      s.put(p + "self_attn.v_proj.weight", new int[] {kv, d});
      s.put(p + "self_attn.o_proj.weight", new int[] {d, d});
      s.put(p + "post_attention_layernorm.weight", new int[] {d});
      s.put(p + "mlp.gate_proj.weight", new int[] {ff, d});
      s.put(p + "mlp.up_proj.weight", new int[] {ff, d});
      s.put(p + "mlp.down_proj.weight", new int[] {d, ff});
    }
    s.put("model.norm.weight", new int[] {d});
    if (!c.tieEmbeddings()) {
      s.put("lm_head.weight", new int[] {c.vocabSize(), d});
    }
    return s;
  }

  /**
   * Writes config.json and model.safetensors into {@code dir} (created if missing), and copies
   * tokenizer.json and tokenizer_config.json from {@code tokenizerDir} unless it is {@code dir}.
   *
   * @param tensors exactly the tensors of {@link #tensorShapes}, in any order
   * @throws IllegalArgumentException naming a tensor that is missing, unexpected, mis-shaped or not
   *     finite, or a tokenizer file that is missing
   */
  public static void write(
      Path dir, HfModelConfig config, List<NamedTensor> tensors, Path tokenizerDir) {
    List<SafetensorsWriter.Entry> entries =
        AdapterWriter.checkedEntries(tensorShapes(config), tensors, "the model");
    for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
      if (!Files.isRegularFile(tokenizerDir.resolve(f))) {
        throw new IllegalArgumentException(tokenizerDir + " has no " + f);
      }
    }
    try {
      Files.createDirectories(dir);
      if (!Files.isSameFile(dir, tokenizerDir)) {
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
          Files.copy(tokenizerDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.writeString(dir.resolve("config.json"), configJson(config));
      Files.writeString(dir.resolve("generation_config.json"), generationConfigJson(config));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model in " + dir, e);
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
  }

  /**
   * config.json's text: the fields transformers 5 writes for LlamaForCausalLM (factory/src/test/
   * python's reference models), except transformers_version.
   */
  static String configJson(HfModelConfig c) {
    Map<String, Object> m = new TreeMap<>(); // transformers writes json.dumps(sort_keys=True)
    m.put("architectures", List.of("LlamaForCausalLM"));
    m.put("attention_bias", false);
    m.put("attention_dropout", 0.0);
    m.put("bos_token_id", (long) c.bosTokenId());
    m.put("dtype", "float32");
    m.put("eos_token_id", (long) c.eosTokenId());
    m.put("head_dim", (long) c.headDim());
    m.put("hidden_act", "silu");
    m.put("hidden_size", (long) c.hiddenSize());
    m.put("initializer_range", 0.02);
    m.put("intermediate_size", (long) c.intermediateSize());
    m.put("max_position_embeddings", (long) c.maxPositions());
    m.put("mlp_bias", false);
    m.put("model_type", "llama");
    m.put("num_attention_heads", (long) c.heads());
    m.put("num_hidden_layers", (long) c.layers());
    m.put("num_key_value_heads", (long) c.kvHeads());
    m.put("pad_token_id", null);
    m.put("pretraining_tp", 1L);
    m.put("rms_norm_eps", c.rmsNormEps());
    Map<String, Object> rope = new TreeMap<>();
    rope.put("rope_theta", c.ropeTheta());
    rope.put("rope_type", "default");
    m.put("rope_parameters", rope);
    m.put("tie_word_embeddings", c.tieEmbeddings());
    m.put("use_cache", true);
    m.put("vocab_size", (long) c.vocabSize());
    return JsonMaps.writePretty(m);
  }

  /** generation_config.json's text, as transformers 5 derives it from the model's config. */
  static String generationConfigJson(HfModelConfig c) {
    Map<String, Object> m = new TreeMap<>();
    m.put("_from_model_config", true);
    m.put("bos_token_id", (long) c.bosTokenId());
    m.put("eos_token_id", (long) c.eosTokenId());
    m.put("output_attentions", false);
    m.put("output_hidden_states", false);
    m.put("use_cache", true);
    return JsonMaps.writePretty(m);
  }
}
