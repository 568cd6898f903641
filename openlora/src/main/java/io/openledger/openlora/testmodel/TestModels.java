package io.openledger.openlora.testmodel;

import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.safetensors.DType;
import io.openledger.openlora.safetensors.SafetensorsWriter;
import io.openledger.openlora.tokenizer.BpeTrainer;
import io.openledger.openlora.tokenizer.ByteLevelBpeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes deterministic Llama-shaped models and PEFT adapters in exactly the Hugging Face layout
 * (config.json, model.safetensors, tokenizer.json, tokenizer_config.json; adapter_config.json,
 * adapter_model.safetensors), so tests, the server and the benchmark exercise the real loaders.
 * Same spec, same bytes.
 */
public final class TestModels {
  private TestModels() {}

  /** The special tokens, at the end of the vocabulary (as Llama 3 places them). */
  public static final String BOS = ByteLevelBpeFiles.BOS;

  public static final String EOS = ByteLevelBpeFiles.EOS;
  public static final String IM_START = ByteLevelBpeFiles.IM_START;
  public static final String IM_END = ByteLevelBpeFiles.IM_END;

  /** ChatML, as Qwen2 and SmolLM2 ship it. */
  public static final String CHAT_TEMPLATE = ByteLevelBpeFiles.CHAT_TEMPLATE;

  /** Writes a model into {@code dir} (created if missing) and returns {@code dir}. */
  public static Path writeModel(Path dir, ModelSpec spec) {
    try {
      Files.createDirectories(dir);
      Map<String, Integer> specials = writeTokenizer(dir, spec);
      writeConfig(dir, spec, specials.get(BOS), specials.get(EOS));
      writeWeights(dir, spec);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one PEFT adapter for a model of {@code base}'s shape into {@code dir}. */
  public static Path writeAdapter(Path dir, ModelSpec base, AdapterSpec spec) {
    try {
      Files.createDirectories(dir);
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("alpha_pattern", new LinkedHashMap<>());
      cfg.put("base_model_name_or_path", base.name());
      cfg.put("bias", "none");
      cfg.put("fan_in_fan_out", false);
      cfg.put("inference_mode", true);
      cfg.put("init_lora_weights", true);
      cfg.put("lora_alpha", spec.alpha());
      cfg.put("lora_dropout", 0.0);
      cfg.put("modules_to_save", null);
      cfg.put("peft_type", "LORA");
      cfg.put("r", (long) spec.rank());
      cfg.put("rank_pattern", new LinkedHashMap<>());
      cfg.put("target_modules", new ArrayList<Object>(spec.targetModules()));
      cfg.put("task_type", "CAUSAL_LM");
      cfg.put("use_rslora", false);
      Files.writeString(dir.resolve("adapter_config.json"), JsonMaps.writePretty(cfg));

      int r = spec.rank();
      double scale = spec.alpha() / r;
      // A x has unit-variance entries; B is sized so the update is about half the base output
      double bStd = 0.5 / (scale * Math.sqrt(r));
      List<SafetensorsWriter.Entry> entries = new ArrayList<>();
      for (int l = 0; l < base.layers(); l++) {
        for (String module : spec.targetModules()) {
          int in = inFeatures(base, module);
          int out = outFeatures(base, module);
          String prefix = "base_model.model.model.layers." + l + "." + block(module) + "." + module;
          String aName = prefix + ".lora_A.weight";
          String bName = prefix + ".lora_B.weight";
          long seedA = spec.seed() * 1_000_003L + aName.hashCode();
          long seedB = spec.seed() * 1_000_003L + bName.hashCode();
          entries.add(
              new SafetensorsWriter.Entry(
                  aName,
                  DType.F32,
                  new long[] {r, in},
                  () -> gaussian(seedA, r * in, 1 / Math.sqrt(in))));
          entries.add(
              new SafetensorsWriter.Entry(
                  bName, DType.F32, new long[] {out, r}, () -> gaussian(seedB, out * r, bStd)));
        }
      }
      SafetensorsWriter.write(
          dir.resolve("adapter_model.safetensors"), entries, Map.of("format", "pt"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code count} adapters as subdirectories {@code adapter-0000}, {@code adapter-0001}, ...
   * of {@code parent}, adapter i seeded with {@code template.seed() + i}. Returns their ids.
   */
  public static List<String> writeAdapters(
      Path parent, ModelSpec base, int count, AdapterSpec template) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = String.format("adapter-%04d", i);
      writeAdapter(parent.resolve(id), base, template.withSeed(template.seed() + i));
      ids.add(id);
    }
    return ids;
  }

  // ------------------------------------------------------------------ model files

  private static void writeConfig(Path dir, ModelSpec s, int bos, int eos) throws IOException {
    boolean qwen = s.qkvBias();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("_name_or_path", s.name());
    c.put("architectures", List.of(qwen ? "Qwen2ForCausalLM" : "LlamaForCausalLM"));
    c.put("model_type", qwen ? "qwen2" : "llama");
    c.put("hidden_act", "silu");
    c.put("hidden_size", (long) s.hiddenSize());
    c.put("intermediate_size", (long) s.intermediateSize());
    c.put("num_hidden_layers", (long) s.layers());
    c.put("num_attention_heads", (long) s.heads());
    c.put("num_key_value_heads", (long) s.kvHeads());
    c.put("head_dim", (long) (s.hiddenSize() / s.heads()));
    c.put("vocab_size", (long) s.vocabSize());
    c.put("max_position_embeddings", (long) s.maxPositions());
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", s.ropeTheta());
    c.put("tie_word_embeddings", s.tieEmbeddings());
    c.put("attention_bias", s.qkvBias());
    c.put("bos_token_id", (long) bos);
    c.put("eos_token_id", (long) eos);
    c.put(
        "torch_dtype",
        switch (s.dtype()) {
          case "F16" -> "float16";
          case "BF16" -> "bfloat16";
          default -> "float32";
        });
    Files.writeString(dir.resolve("config.json"), JsonMaps.writePretty(c));
  }

  private static void writeWeights(Path dir, ModelSpec s) {
    DType dt = DType.valueOf(s.dtype());
    int d = s.hiddenSize();
    int hd = d / s.heads();
    int kv = hd * s.kvHeads();
    int ff = s.intermediateSize();
    double outStd = 3 / Math.sqrt(d); // logits with a spread of about 3: peaked, not uniform
    List<SafetensorsWriter.Entry> e = new ArrayList<>();
    e.add(
        matrix(
            s, dt, "model.embed_tokens.weight", s.vocabSize(), d, s.tieEmbeddings() ? outStd : 1));
    for (int l = 0; l < s.layers(); l++) {
      String p = "model.layers." + l + ".";
      e.add(norm(s, dt, p + "input_layernorm.weight", d));
      e.add(matrix(s, dt, p + "self_attn.q_proj.weight", d, d, 1 / Math.sqrt(d)));
      e.add(matrix(s, dt, p + "self_attn.k_proj.weight", kv, d, 1 / Math.sqrt(d)));
      e.add(matrix(s, dt, p + "self_attn.v_proj.weight", kv, d, 1 / Math.sqrt(d)));
      if (s.qkvBias()) {
        e.add(vector(s, dt, p + "self_attn.q_proj.bias", d, 0.1));
        e.add(vector(s, dt, p + "self_attn.k_proj.bias", kv, 0.1));
        e.add(vector(s, dt, p + "self_attn.v_proj.bias", kv, 0.1));
      }
      e.add(matrix(s, dt, p + "self_attn.o_proj.weight", d, d, 1 / Math.sqrt(d)));
      e.add(norm(s, dt, p + "post_attention_layernorm.weight", d));
      e.add(matrix(s, dt, p + "mlp.gate_proj.weight", ff, d, 1 / Math.sqrt(d)));
      e.add(matrix(s, dt, p + "mlp.up_proj.weight", ff, d, 1 / Math.sqrt(d)));
      e.add(matrix(s, dt, p + "mlp.down_proj.weight", d, ff, 1 / Math.sqrt(ff)));
    }
    e.add(norm(s, dt, "model.norm.weight", d));
    if (!s.tieEmbeddings()) {
      e.add(matrix(s, dt, "lm_head.weight", s.vocabSize(), d, outStd));
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), e, Map.of("format", "pt"));
  }

  private static SafetensorsWriter.Entry matrix(
      ModelSpec s, DType dt, String name, int rows, int cols, double std) {
    long seed = s.seed() * 1_000_003L + name.hashCode();
    return new SafetensorsWriter.Entry(
        name, dt, new long[] {rows, cols}, () -> gaussian(seed, rows * cols, std));
  }

  private static SafetensorsWriter.Entry vector(
      ModelSpec s, DType dt, String name, int len, double std) {
    long seed = s.seed() * 1_000_003L + name.hashCode();
    return new SafetensorsWriter.Entry(name, dt, new long[] {len}, () -> gaussian(seed, len, std));
  }

  /** Norm weights near 1. */
  private static SafetensorsWriter.Entry norm(ModelSpec s, DType dt, String name, int len) {
    long seed = s.seed() * 1_000_003L + name.hashCode();
    return new SafetensorsWriter.Entry(
        name,
        dt,
        new long[] {len},
        () -> {
          float[] v = gaussian(seed, len, 0.1);
          for (int i = 0; i < len; i++) {
            v[i] += 1f;
          }
          return v;
        });
  }

  static float[] gaussian(long seed, int n, double std) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * std);
    }
    return v;
  }

  // ------------------------------------------------------------------ tokenizer files

  /** Writes tokenizer.json and tokenizer_config.json; returns the special tokens' ids. */
  private static Map<String, Integer> writeTokenizer(Path dir, ModelSpec s) {
    int learned = s.vocabSize() - ByteLevelBpeFiles.SPECIALS.size();
    String corpus =
        Corpus.text(s.seed(), Math.max(60_000, learned * 120), Math.max(400, learned * 2));
    BpeTrainer.Result bpe = BpeTrainer.train(corpus, learned);
    return ByteLevelBpeFiles.write(dir, bpe, s.vocabSize(), s.maxPositions());
  }

  // ------------------------------------------------------------------ shapes

  static String block(String module) {
    return switch (module) {
      case "q_proj", "k_proj", "v_proj", "o_proj" -> "self_attn";
      case "gate_proj", "up_proj", "down_proj" -> "mlp";
      default -> throw new IllegalArgumentException("unknown target module " + module);
    };
  }

  static int inFeatures(ModelSpec s, String module) {
    return switch (module) {
      case "down_proj" -> s.intermediateSize();
      default -> s.hiddenSize();
    };
  }

  static int outFeatures(ModelSpec s, String module) {
    int kv = s.hiddenSize() / s.heads() * s.kvHeads();
    return switch (module) {
      case "q_proj", "o_proj", "down_proj" -> s.hiddenSize();
      case "k_proj", "v_proj" -> kv;
      case "gate_proj", "up_proj" -> s.intermediateSize();
      default -> throw new IllegalArgumentException("unknown target module " + module);
    };
  }
}
