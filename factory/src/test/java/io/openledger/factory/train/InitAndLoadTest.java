package io.openledger.factory.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.safetensors.DType;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.safetensors.SafetensorsWriter;
import io.openledger.openlora.safetensors.Tensor;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Initialisation as HF Llama and PEFT do it, and loading that refuses what it does not match. */
class InitAndLoadTest {
  @TempDir Path dir;
  @TempDir static Path shared;
  static Path base;

  static final ModelSpec SPEC =
      new ModelSpec("load-base", 320, 32, 48, 2, 4, 2, 64, 10000, false, false, "F32", 3);

  @BeforeAll
  static void writeBase() {
    base = TestModels.writeModel(shared.resolve("base"), SPEC);
  }

  @Test
  void scratchInitIsHfLlamaAndSeeded() {
    TrainingConfig cfg = GradientCheckTest.scratchConfig(false, 2);
    try (ScratchTrainable a = ScratchTrainable.init(cfg, 1);
        ScratchTrainable b = ScratchTrainable.init(cfg, 1);
        ScratchTrainable c = ScratchTrainable.init(cfg, 2)) {
      assertThat(a.parameters().values()).isEqualTo(b.parameters().values());
      assertThat(a.parameters().values()).isNotEqualTo(c.parameters().values());
      Parameters p = a.parameters();
      assertThat(p.segments().getFirst().name()).isEqualTo("model.embed_tokens.weight");
      assertThat(p.segments().getLast().name()).isEqualTo("lm_head.weight");
      assertThat(p.copyOf("model.layers.1.post_attention_layernorm.weight")).containsOnly(1f);
      float[] q = p.copyOf("model.layers.0.mlp.up_proj.weight");
      double ss = 0;
      for (float v : q) {
        ss += v * v;
      }
      assertThat(Math.sqrt(ss / q.length)).isCloseTo(0.02, within(0.002));
      assertThat(a.decays(p.segment("model.norm.weight"))).isFalse();
      assertThat(a.decays(p.segment("model.layers.0.self_attn.q_proj.weight"))).isTrue();
    }
  }

  @Test
  void peftInitLeavesTheBaseModelUnchanged() {
    TrainingConfig cfg = TrainingConfig.lora(8, 16, List.of("q_proj", "up_proj"));
    int[] tokens = GradientCheckTest.tokens(12, 320, 1);
    try (KernelPool pool = new KernelPool(2);
        LoraTrainable lora = LoraTrainable.init(base, cfg, pool);
        ScratchTrainable full = ScratchTrainable.load(base, pool)) {
      Parameters p = lora.parameters();
      float[] a =
          p.copyOf(
              LoraTrainable.tensorName(0, io.openledger.openlora.model.Projection.UP_PROJ, "A"));
      double bound = 1 / Math.sqrt(32);
      double max = 0;
      for (float v : a) {
        max = Math.max(max, Math.abs(v));
      }
      assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.8 * bound);
      assertThat(
              p.copyOf(
                  LoraTrainable.tensorName(1, io.openledger.openlora.model.Projection.Q_PROJ, "B")))
          .containsOnly(0f);
      assertThat(lora.loss(tokens)).isEqualTo(full.loss(tokens));
      assertThat(lora.targets()).containsExactly("q_proj", "up_proj");
    }
  }

  @Test
  void anAdapterTensorNoTargetNamesIsRefused() throws IOException {
    Path adapter = TestModels.writeAdapter(dir.resolve("a"), SPEC, AdapterSpec.of(4, 1));
    Path file = adapter.resolve("adapter_model.safetensors");
    List<SafetensorsWriter.Entry> entries = new ArrayList<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (Tensor t : f.tensors().values()) {
        float[] v = t.toFloatArray();
        entries.add(SafetensorsWriter.Entry.of(t.name(), DType.F32, v, t.shape()));
      }
    }
    entries.add(
        SafetensorsWriter.Entry.of(
            "base_model.model.model.layers.0.mlp.down_proj.lora_A.weight",
            DType.F32,
            new float[4 * 48],
            4,
            48));
    Path copy = dir.resolve("extra");
    Files.createDirectories(copy);
    Files.copy(adapter.resolve("adapter_config.json"), copy.resolve("adapter_config.json"));
    SafetensorsWriter.write(copy.resolve("adapter_model.safetensors"), entries, Map.of());
    try (KernelPool pool = new KernelPool(1)) {
      assertThatThrownBy(() -> LoraTrainable.load(base, copy, pool))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("down_proj.lora_A")
          .hasMessageContaining("does not target");
    }
  }

  @Test
  void aModelMissingATensorIsRefusedByName() throws IOException {
    Path broken = Files.createDirectories(dir.resolve("broken"));
    Files.copy(base.resolve("config.json"), broken.resolve("config.json"));
    Path file = base.resolve("model.safetensors");
    List<SafetensorsWriter.Entry> entries = new ArrayList<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (Tensor t : f.tensors().values()) {
        if (!t.name().equals("model.layers.1.input_layernorm.weight")) {
          entries.add(SafetensorsWriter.Entry.of(t.name(), DType.F32, t.toFloatArray(), t.shape()));
        }
      }
    }
    SafetensorsWriter.write(broken.resolve("model.safetensors"), entries, Map.of());
    try (KernelPool pool = new KernelPool(1)) {
      assertThatThrownBy(() -> ScratchTrainable.load(broken, pool))
          .hasMessageContaining("model.layers.1.input_layernorm.weight");
    }
  }

  @Test
  void sequencesOutsideTheModelAreRefused() {
    try (ScratchTrainable t = ScratchTrainable.init(GradientCheckTest.scratchConfig(true, 4), 1)) {
      assertThatThrownBy(() -> t.loss(new int[] {1})).hasMessageContaining("at least 2 tokens");
      assertThatThrownBy(() -> t.loss(new int[] {1, 40})).hasMessageContaining("token 40");
      assertThatThrownBy(() -> t.loss(new int[17])).hasMessageContaining("max_position_embeddings");
    }
  }

  @Test
  void configsThatCannotTrainAreRefused() {
    assertThatThrownBy(() -> TrainingConfig.lora(0, 8, List.of("q_proj")))
        .hasMessageContaining("rank");
    assertThatThrownBy(() -> TrainingConfig.lora(4, 8, List.of("qkv_proj")))
        .hasMessageContaining("qkv_proj");
    assertThatThrownBy(() -> TrainingConfig.fromScratch(30, 2, 4, 2, 64, 100))
        .hasMessageContaining("heads");
  }
}
