package io.openledger.factory.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openledger.factory.out.AdapterWriter.LoraSettings;
import io.openledger.openlora.adapter.AdapterReader;
import io.openledger.openlora.adapter.AdapterSource;
import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.model.LoraWeights;
import io.openledger.openlora.model.Projection;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterWriterTest {
  static final ModelSpec SPEC = ModelSpec.tiny();
  static final List<String> ALL =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  @TempDir Path tmp;
  Path base;
  LlamaConfig config;

  @BeforeEach
  void writeBase() {
    base = TestModels.writeModel(tmp.resolve("base"), SPEC);
    config = LlamaConfig.read(base);
  }

  /** Seeded A and B for every tensor the settings call for. */
  static List<NamedTensor> knownWeights(LlamaConfig c, LoraSettings s, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<NamedTensor> out = new ArrayList<>();
    for (Map.Entry<String, int[]> e : AdapterWriter.tensorShapes(c, s).entrySet()) {
      int[] shape = e.getValue();
      float[] v = new float[shape[0] * shape[1]];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (r.nextGaussian() * 0.2);
      }
      out.add(new NamedTensor(e.getKey(), shape, v));
    }
    return out;
  }

  LoraWeights load(Path dir) {
    AdapterReader reader = new AdapterReader(config, Set.of(SPEC.name()));
    return reader.load(reader.inspect("trained", new AdapterSource.Directory(dir)));
  }

  @Test
  void writtenWeightsReadBackIdenticalThroughOpenLorasReader() {
    LoraSettings s =
        new LoraSettings(SPEC.name(), 4, 8, List.of("v_proj", "q_proj", "down_proj"), false);
    List<NamedTensor> weights = knownWeights(config, s, 1);
    Path dir = tmp.resolve("adapter");
    AdapterWriter.write(dir, s, config, weights);

    Map<String, float[]> byName = new HashMap<>();
    for (NamedTensor t : weights) {
      byName.put(t.name(), t.values());
    }
    LoraWeights w = load(dir);
    for (int l = 0; l < config.layers(); l++) {
      for (Projection p : Projection.values()) {
        LoraWeights.Layer layer = w.layer(l, p);
        if (!s.targetModules().contains(p.module())) {
          assertThat(layer).as("layer %d %s", l, p).isNull();
          continue;
        }
        assertThat(layer.scale()).isEqualTo(2f); // alpha / r
        assertThat(layer.a()).containsExactly(byName.get(AdapterWriter.tensorName(l, p, true)));
        float[] b = byName.get(AdapterWriter.tensorName(l, p, false)); // [out, r]
        for (int j = 0; j < layer.out(); j++) {
          for (int k = 0; k < layer.rank(); k++) {
            assertThat(layer.bt()[k * layer.out() + j]).isEqualTo(b[j * layer.rank() + k]);
          }
        }
      }
    }
  }

  @Test
  void rsLoraScaleIsAlphaOverRootRank() {
    LoraSettings s = new LoraSettings(SPEC.name(), 4, 8, List.of("o_proj"), true);
    Path dir = tmp.resolve("adapter");
    AdapterWriter.write(dir, s, config, knownWeights(config, s, 2));
    assertThat(load(dir).layer(0, Projection.O_PROJ).scale()).isEqualTo(4f); // 8 / √4
  }

  /**
   * The adapter served unmerged gives the logits of a model whose weights were merged by hand (W +
   * alpha / r · B A, written by HfModelWriter): the files mean what PEFT means.
   */
  @Test
  void servedAdapterEqualsWeightsMergedByHand() {
    LoraSettings s = new LoraSettings(SPEC.name(), 4, 8, ALL, false);
    List<NamedTensor> lora = knownWeights(config, s, 3);
    Path dir = tmp.resolve("adapter");
    AdapterWriter.write(dir, s, config, lora);

    Map<String, float[]> byName = new HashMap<>();
    for (NamedTensor t : lora) {
      byName.put(t.name(), t.values());
    }
    double scale = s.alpha() / s.rank();
    List<NamedTensor> merged = new ArrayList<>();
    for (NamedTensor t : HfModelWriterTest.tensorsOf(base, "model.safetensors")) {
      float[] w = t.values().clone();
      for (int l = 0; l < config.layers(); l++) {
        for (Projection p : Projection.values()) {
          if (!t.name().equals(p.weightName(l))) {
            continue;
          }
          float[] a = byName.get(AdapterWriter.tensorName(l, p, true)); // [r, in]
          float[] b = byName.get(AdapterWriter.tensorName(l, p, false)); // [out, r]
          int in = config.inFeatures(p);
          int out = config.outFeatures(p);
          for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
              double d = 0;
              for (int k = 0; k < s.rank(); k++) {
                d += (double) b[i * s.rank() + k] * a[k * in + j];
              }
              w[i * in + j] += (float) (scale * d);
            }
          }
        }
      }
      merged.add(new NamedTensor(t.name(), t.shape(), w));
    }
    Path mergedDir = tmp.resolve("merged");
    HfModelWriter.write(mergedDir, HfModelWriterTest.configOf(SPEC, config), merged, base);

    int[] tokens = {config.bosTokenId(), 40, 300, 7, 411, 12};
    float[][] served = Logits.of(base, tokens, load(dir));
    float[][] byHand = Logits.of(mergedDir, tokens, null);
    float[][] plain = Logits.of(base, tokens, null);
    double moved = 0;
    for (int p = 0; p < tokens.length; p++) {
      for (int v = 0; v < served[p].length; v++) {
        assertThat(served[p][v])
            .as("position %d token %d", p, v)
            .isCloseTo(byHand[p][v], within(2e-3f));
        moved = Math.max(moved, Math.abs(served[p][v] - plain[p][v]));
      }
    }
    assertThat(moved).as("the adapter changes the logits").isGreaterThan(0.1);
  }

  /**
   * The keys PEFT 0.21 wrote in the reference adapter (factory/src/test/python), less peft_version.
   */
  static final List<String> PEFT_KEYS =
      List.of(
          "alora_invocation_tokens",
          "alpha_pattern",
          "arrow_config",
          "auto_mapping",
          "base_model_name_or_path",
          "bias",
          "corda_config",
          "ensure_weight_tying",
          "eva_config",
          "exclude_modules",
          "fan_in_fan_out",
          "inference_mode",
          "init_lora_weights",
          "kasa_config",
          "layer_replication",
          "layers_pattern",
          "layers_to_transform",
          "loftq_config",
          "lora_alpha",
          "lora_bias",
          "lora_dropout",
          "lora_ga_config",
          "megatron_config",
          "megatron_core",
          "modules_to_save",
          "monteclora_config",
          "peft_type",
          "qalora_group_size",
          "r",
          "rank_pattern",
          "revision",
          "target_modules",
          "target_parameters",
          "task_type",
          "trainable_token_indices",
          "use_bdlora",
          "use_dora",
          "use_qalora",
          "use_rslora",
          "velora_config");

  @Test
  void configHasEveryFieldPeftWritesSorted() throws IOException {
    LoraSettings s = new LoraSettings("tiny-llama", 16, 32, List.of("v_proj", "q_proj"), false);
    Path dir = tmp.resolve("adapter");
    AdapterWriter.write(dir, s, config, knownWeights(config, s, 4));
    Map<String, Object> m =
        JsonMaps.parseObject(Files.readString(dir.resolve("adapter_config.json")));
    assertThat(new ArrayList<>(m.keySet())).isEqualTo(PEFT_KEYS);
    assertThat(m)
        .containsEntry("r", 16L)
        .containsEntry("lora_alpha", 32L)
        .containsEntry("target_modules", List.of("q_proj", "v_proj"))
        .containsEntry("use_rslora", false)
        .containsEntry("fan_in_fan_out", false)
        .containsEntry("bias", "none")
        .containsEntry("modules_to_save", null)
        .containsEntry("rank_pattern", Map.of())
        .containsEntry("alpha_pattern", Map.of())
        .containsEntry("base_model_name_or_path", "tiny-llama")
        .containsEntry("task_type", "CAUSAL_LM")
        .containsEntry("peft_type", "LORA")
        .containsEntry("use_dora", false)
        .containsEntry("lora_dropout", 0.0);
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
      assertThat(new ArrayList<>(f.tensors().keySet()))
          .isSorted()
          .contains("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight");
      assertThat(f.tensor("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape())
          .containsExactly(16, 64);
      assertThat(f.tensor("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight").shape())
          .containsExactly(32, 16); // kv dim = 2 kv heads of 16
      assertThat(f.metadata()).containsEntry("format", "pt");
    }
  }

  @Test
  void refusesWhatIsNotTheAdapterOfItsSettings() {
    LoraSettings s = new LoraSettings(SPEC.name(), 4, 8, List.of("q_proj"), false);
    List<NamedTensor> good = knownWeights(config, s, 5);
    String b1 = AdapterWriter.tensorName(1, Projection.Q_PROJ, false);

    List<NamedTensor> missing = new ArrayList<>(good);
    missing.removeIf(t -> t.name().equals(b1));
    assertThatThrownBy(() -> AdapterWriter.write(tmp.resolve("x"), s, config, missing))
        .hasMessageContaining("lacks " + b1);

    List<NamedTensor> other = new ArrayList<>(good);
    other.add(
        new NamedTensor(
            AdapterWriter.tensorName(0, Projection.K_PROJ, true),
            new int[] {4, 64},
            new float[256]));
    assertThatThrownBy(() -> AdapterWriter.write(tmp.resolve("x"), s, config, other))
        .hasMessageContaining("no tensor base_model.model.model.layers.0.self_attn.k_proj");

    List<NamedTensor> transposed = new ArrayList<>(good);
    transposed.removeIf(t -> t.name().equals(b1));
    transposed.add(new NamedTensor(b1, new int[] {4, 64}, new float[256]));
    assertThatThrownBy(() -> AdapterWriter.write(tmp.resolve("x"), s, config, transposed))
        .hasMessageContaining(b1 + " has shape [4, 64], expected [64, 4]");

    assertThatThrownBy(() -> new LoraSettings("m", 4, 8, List.of("qkv_proj"), false))
        .hasMessageContaining("unknown target module qkv_proj");
    assertThat(Files.exists(tmp.resolve("x"))).isFalse();
  }
}
