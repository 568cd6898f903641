package io.openledger.factory.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.factory.data.Document;
import io.openledger.factory.data.ScratchTokenizer;
import io.openledger.factory.out.HfModelWriter.HfModelConfig;
import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.safetensors.Tensor;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfModelWriterTest {
  @TempDir Path tmp;

  static HfModelConfig configOf(ModelSpec s, LlamaConfig c) {
    return new HfModelConfig(
        s.hiddenSize(),
        s.intermediateSize(),
        s.layers(),
        s.heads(),
        s.kvHeads(),
        s.vocabSize(),
        s.maxPositions(),
        1e-5,
        s.ropeTheta(),
        s.tieEmbeddings(),
        c.bosTokenId(),
        c.eosTokenIds()[0]);
  }

  /** Every tensor of a model directory, as read back. */
  static List<NamedTensor> tensorsOf(Path dir, String file) {
    List<NamedTensor> out = new ArrayList<>();
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(file))) {
      for (Tensor t : f.tensors().values()) {
        long[] s = t.shape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
          shape[i] = (int) s[i];
        }
        out.add(new NamedTensor(t.name(), shape, t.toFloatArray()));
      }
    }
    return out;
  }

  private void rewritesAGeneratedModelThatServesTheSameLogits(ModelSpec spec) {
    Path original = TestModels.writeModel(tmp.resolve("original"), spec);
    HfModelConfig config = configOf(spec, LlamaConfig.read(original));
    Path written = tmp.resolve("written");
    // in shuffled order: the writer orders tensors itself
    List<NamedTensor> tensors = new ArrayList<>(tensorsOf(original, "model.safetensors"));
    java.util.Collections.reverse(tensors);
    HfModelWriter.write(written, config, tensors, original);

    LlamaConfig read = LlamaConfig.read(written);
    assertThat(read.unknownKeys()).isEmpty();
    assertThat(read.tieEmbeddings()).isEqualTo(spec.tieEmbeddings());
    assertThat(read.kvHeads()).isEqualTo(spec.kvHeads());
    assertThat(read.bosTokenId()).isEqualTo(config.bosTokenId());
    assertThat(read.rope().theta()).isEqualTo(spec.ropeTheta());
    int[] tokens = {config.bosTokenId(), 5, 300, 17, 99, 260, 3};
    float[][] a = Logits.of(original, tokens, null);
    float[][] b = Logits.of(written, tokens, null);
    for (int p = 0; p < tokens.length; p++) {
      assertThat(b[p]).as("position %d", p).containsExactly(a[p]);
    }
  }

  @Test
  void untiedGqaModelRoundTripsThroughOpenLora() {
    rewritesAGeneratedModelThatServesTheSameLogits(ModelSpec.tiny());
  }

  @Test
  void tiedModelHasNoLmHeadAndRoundTrips() throws IOException {
    ModelSpec tied =
        new ModelSpec("tiny-tied", 512, 64, 160, 2, 4, 4, 256, 500000, false, true, "F32", 8);
    rewritesAGeneratedModelThatServesTheSameLogits(tied);
    try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("written/model.safetensors"))) {
      assertThat(f.tensors()).doesNotContainKey("lm_head.weight");
      assertThat(f.metadata()).containsEntry("format", "pt");
      assertThat(new ArrayList<>(f.tensors().keySet())).isSorted();
    }
  }

  /** The keys transformers 5.18 wrote in the reference models (factory/src/test/python). */
  static final List<String> TRANSFORMERS_KEYS =
      List.of(
          "architectures",
          "attention_bias",
          "attention_dropout",
          "bos_token_id",
          "dtype",
          "eos_token_id",
          "head_dim",
          "hidden_act",
          "hidden_size",
          "initializer_range",
          "intermediate_size",
          "max_position_embeddings",
          "mlp_bias",
          "model_type",
          "num_attention_heads",
          "num_hidden_layers",
          "num_key_value_heads",
          "pad_token_id",
          "pretraining_tp",
          "rms_norm_eps",
          "rope_parameters",
          "tie_word_embeddings",
          "use_cache",
          "vocab_size");

  @Test
  void configJsonHasTransformersFieldsSorted() throws IOException {
    ModelSpec s = ModelSpec.tiny();
    HfModelConfig c = new HfModelConfig(64, 160, 2, 4, 2, 512, 256, 1e-5, 10000, false, 508, 509);
    Map<String, Object> m = JsonMaps.parseObject(HfModelWriter.configJson(c));
    assertThat(new ArrayList<>(m.keySet())).isEqualTo(TRANSFORMERS_KEYS);
    assertThat(m)
        .containsEntry("architectures", List.of("LlamaForCausalLM"))
        .containsEntry("model_type", "llama")
        .containsEntry("hidden_act", "silu")
        .containsEntry("head_dim", 16L)
        .containsEntry("num_key_value_heads", 2L)
        .containsEntry("tie_word_embeddings", false)
        .containsEntry("dtype", "float32")
        .containsEntry("rope_parameters", Map.of("rope_theta", 10000.0, "rope_type", "default"))
        .containsEntry("bos_token_id", 508L)
        .containsEntry("eos_token_id", 509L);
    for (String k : m.keySet()) {
      assertThat(LlamaConfig.HONOURED.contains(k) || LlamaConfig.INERT.contains(k))
          .as("key %s is one openlora knows", k)
          .isTrue();
    }
    assertThat(s.hiddenSize()).isEqualTo(c.hiddenSize());
    assertThat(JsonMaps.parseObject(HfModelWriter.generationConfigJson(c)))
        .containsEntry("bos_token_id", 508L)
        .containsEntry("eos_token_id", 509L);
  }

  /**
   * The from-scratch layout: the tokenizer learned into the output directory, weights beside it.
   */
  @Test
  void scratchModelDirectoryLoadsInOpenLora() {
    Path out = tmp.resolve("scratch");
    List<Document> docs =
        List.of(
            new Document(1, 1, 1, "the ledger pays the data that shaped the model"),
            new Document(1, 1, 2, "the model quotes the data, the data is paid"));
    ScratchTokenizer.SpecialIds ids = ScratchTokenizer.write(docs, 300, 32, out);
    HfModelConfig c =
        new HfModelConfig(16, 24, 1, 2, 1, 300, 32, 1e-5, 10000, true, ids.bos(), ids.eos());
    SplittableRandom r = new SplittableRandom(1);
    List<NamedTensor> tensors = new ArrayList<>();
    for (Map.Entry<String, int[]> e : HfModelWriter.tensorShapes(c).entrySet()) {
      int n = 1;
      for (int d : e.getValue()) {
        n *= d;
      }
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) r.nextGaussian() * 0.1f + (e.getKey().endsWith("norm.weight") ? 1 : 0);
      }
      tensors.add(new NamedTensor(e.getKey(), e.getValue(), v));
    }
    HfModelWriter.write(out, c, tensors, out);

    try (ModelTokenizer t = ModelTokenizer.load(out)) {
      int[] prompt = t.encode("the data", true);
      assertThat(prompt[0]).isEqualTo(ids.bos());
      float[][] logits = Logits.of(out, prompt, null);
      for (float[] row : logits) {
        assertThat(row).hasSize(300);
        for (float x : row) {
          assertThat(Float.isFinite(x)).isTrue();
        }
      }
    }
    assertThat(LlamaConfig.read(out).eosTokenIds()).containsExactly(ids.eos());
  }

  @Test
  void refusesMissingExtraMisshapedAndNonFiniteTensors() {
    Path original = TestModels.writeModel(tmp.resolve("original"), ModelSpec.tiny());
    HfModelConfig config = configOf(ModelSpec.tiny(), LlamaConfig.read(original));
    List<NamedTensor> good = tensorsOf(original, "model.safetensors");

    List<NamedTensor> missing = new ArrayList<>(good);
    missing.removeIf(t -> t.name().equals("model.norm.weight"));
    assertThatThrownBy(() -> HfModelWriter.write(tmp.resolve("x"), config, missing, original))
        .hasMessageContaining("lacks model.norm.weight");

    List<NamedTensor> extra = new ArrayList<>(good);
    extra.add(new NamedTensor("model.layers.9.mlp.up_proj.weight", new int[] {1}, new float[1]));
    assertThatThrownBy(() -> HfModelWriter.write(tmp.resolve("x"), config, extra, original))
        .hasMessageContaining("no tensor model.layers.9.mlp.up_proj.weight");

    List<NamedTensor> misshaped = new ArrayList<>(good);
    misshaped.removeIf(t -> t.name().equals("model.norm.weight"));
    misshaped.add(new NamedTensor("model.norm.weight", new int[] {2, 32}, new float[64]));
    assertThatThrownBy(() -> HfModelWriter.write(tmp.resolve("x"), config, misshaped, original))
        .hasMessageContaining("model.norm.weight has shape [2, 32], expected [64]");

    List<NamedTensor> nan = new ArrayList<>(good);
    nan.removeIf(t -> t.name().equals("model.norm.weight"));
    float[] v = new float[64];
    v[7] = Float.NaN;
    nan.add(new NamedTensor("model.norm.weight", new int[] {64}, v));
    assertThatThrownBy(() -> HfModelWriter.write(tmp.resolve("x"), config, nan, original))
        .hasMessageContaining("model.norm.weight[7] is NaN");
    assertThat(Files.exists(tmp.resolve("x/model.safetensors"))).isFalse();
  }
}
