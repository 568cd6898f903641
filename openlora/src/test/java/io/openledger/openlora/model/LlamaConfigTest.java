package io.openledger.openlora.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openledger.openlora.json.JsonMaps;
import org.junit.jupiter.api.Test;

/** config.json fields of the supported families, and clear refusals of the rest. */
class LlamaConfigTest {
  static LlamaConfig parse(String extra) {
    return LlamaConfig.parse(
        JsonMaps.parseObject(
            "{\"hidden_size\":896,\"intermediate_size\":4864,\"num_hidden_layers\":24,"
                + "\"num_attention_heads\":14,\"vocab_size\":151936"
                + extra
                + "}"));
  }

  @Test
  void qwen2HasQkvBiasesAndGqa() {
    LlamaConfig c =
        parse(
            ",\"model_type\":\"qwen2\",\"num_key_value_heads\":2,\"tie_word_embeddings\":true,"
                + "\"eos_token_id\":151643,\"sliding_window\":32768,\"use_sliding_window\":false,"
                + "\"max_position_embeddings\":32768");
    assertThat(c.attentionBias()).isTrue();
    assertThat(c.kvDim()).isEqualTo(128);
    assertThat(c.headDim()).isEqualTo(64);
    assertThat(c.maxPositions()).isEqualTo(32768);
    assertThat(c.eosTokenIds()).containsExactly(151643);
  }

  @Test
  void mistralAttendsWithinItsSlidingWindowOnEveryLayer() {
    LlamaConfig c =
        parse(
            ",\"model_type\":\"mistral\",\"sliding_window\":4096,\"max_position_embeddings\":32768");
    assertThat(c.maxPositions()).isEqualTo(32768);
    assertThat(c.slidingWindows()).hasSize(24).containsOnly(4096);
    assertThat(c.attentionBias()).isFalse();
    assertThat(parse(",\"model_type\":\"mistral\",\"sliding_window\":null").slidingWindows())
        .containsOnly(0);
  }

  @Test
  void qwen2SlidesFromMaxWindowLayersOnOrAsLayerTypesSay() {
    assertThat(
            parse(",\"model_type\":\"qwen2\",\"sliding_window\":8,\"use_sliding_window\":false")
                .slidingWindows())
        .containsOnly(0);
    LlamaConfig c =
        LlamaConfig.parse(
            JsonMaps.parseObject(
                "{\"hidden_size\":64,\"intermediate_size\":128,\"num_hidden_layers\":4,"
                    + "\"num_attention_heads\":4,\"vocab_size\":100,\"model_type\":\"qwen2\","
                    + "\"sliding_window\":8,\"use_sliding_window\":true,\"max_window_layers\":2}"));
    assertThat(c.slidingWindows()).containsExactly(0, 0, 8, 8);
    LlamaConfig t5 =
        LlamaConfig.parse(
            JsonMaps.parseObject(
                "{\"hidden_size\":64,\"intermediate_size\":128,\"num_hidden_layers\":3,"
                    + "\"num_attention_heads\":4,\"vocab_size\":100,\"model_type\":\"qwen2\","
                    + "\"sliding_window\":8,\"use_sliding_window\":true,\"layer_types\":"
                    + "[\"sliding_attention\",\"full_attention\",\"sliding_attention\"]}"));
    assertThat(t5.slidingWindows()).containsExactly(8, 0, 8);
  }

  @Test
  void ropeIsReadFromTransformers5RopeParametersAndTransformers4RopeScalingAlike() {
    LlamaConfig t5 =
        parse(
            ",\"model_type\":\"llama\",\"rope_parameters\":{\"factor\":8.0,"
                + "\"high_freq_factor\":4.0,\"low_freq_factor\":1.0,"
                + "\"original_max_position_embeddings\":8192,\"rope_theta\":500000.0,"
                + "\"rope_type\":\"llama3\"}");
    LlamaConfig t4 =
        parse(
            ",\"model_type\":\"llama\",\"rope_theta\":500000.0,\"rope_scaling\":{\"factor\":8.0,"
                + "\"high_freq_factor\":4.0,\"low_freq_factor\":1.0,"
                + "\"original_max_position_embeddings\":8192,\"rope_type\":\"llama3\"}");
    assertThat(t5.rope()).isEqualTo(t4.rope());
    assertThat(t5.rope().theta()).isEqualTo(500000.0);
    assertThat(t5.rope().type()).isEqualTo("llama3");
    LlamaConfig plain =
        parse(
            ",\"model_type\":\"qwen2\",\"rope_parameters\":{\"rope_theta\":1000000.0,"
                + "\"rope_type\":\"default\"}");
    assertThat(plain.rope().theta()).isEqualTo(1000000.0);
    assertThat(plain.rope().type()).isEqualTo("default");
    LlamaConfig linear =
        parse(",\"model_type\":\"llama\",\"rope_scaling\":{\"type\":\"linear\",\"factor\":2}");
    assertThat(linear.rope().factor()).isEqualTo(2.0);
    LlamaConfig yarn =
        parse(
            ",\"model_type\":\"qwen2\",\"rope_scaling\":{\"type\":\"yarn\",\"factor\":4,"
                + "\"original_max_position_embeddings\":32768}");
    assertThat(yarn.rope().attentionFactor()).isCloseTo(0.1 * Math.log(4) + 1, within(1e-12));
    // llama3 without original_max_position_embeddings: transformers takes max_position_embeddings
    LlamaConfig defaulted =
        parse(
            ",\"model_type\":\"llama\",\"max_position_embeddings\":4096,\"rope_parameters\":"
                + "{\"rope_type\":\"llama3\",\"factor\":8,\"low_freq_factor\":1,"
                + "\"high_freq_factor\":4,\"rope_theta\":500000}");
    assertThat(defaulted.rope().originalMaxPositions()).isEqualTo(4096);
  }

  @Test
  void unknownKeysAreListedForAWarningAndKnownInertOnesAreNot() {
    LlamaConfig c =
        parse(
            ",\"model_type\":\"llama\",\"architectures\":[\"LlamaForCausalLM\"],"
                + "\"use_cache\":true,\"fancy_new_norm\":true");
    assertThat(c.unknownKeys()).containsExactly("fancy_new_norm");
  }

  @Test
  void llama3ListsSeveralEosTokens() {
    LlamaConfig c = parse(",\"model_type\":\"llama\",\"eos_token_id\":[128001,128008,128009]");
    assertThat(c.eosTokenIds()).containsExactly(128001, 128008, 128009);
  }

  @Test
  void unsupportedModelsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> parse(",\"model_type\":\"gpt2\""))
        .hasMessageContaining("model_type \"gpt2\" is not supported");
    assertThatThrownBy(() -> parse(",\"model_type\":\"llama\",\"hidden_act\":\"gelu\""))
        .hasMessageContaining("hidden_act gelu");
    assertThatThrownBy(() -> parse(",\"model_type\":\"llama\",\"attention_bias\":true"))
        .hasMessageContaining("attention_bias");
    assertThatThrownBy(() -> parse(",\"model_type\":\"llama\",\"mlp_bias\":true"))
        .hasMessageContaining("mlp_bias");
    assertThatThrownBy(() -> parse(",\"model_type\":\"llama\",\"num_key_value_heads\":4"))
        .hasMessageContaining("multiple of num_key_value_heads");
    assertThatThrownBy(
            () -> parse(",\"model_type\":\"llama\",\"rope_scaling\":{\"type\":\"linear\"}"))
        .hasMessageContaining("rope_scaling needs a number factor");
    assertThatThrownBy(
            () ->
                parse(
                    ",\"model_type\":\"llama\",\"rope_parameters\":{\"rope_type\":\"longrope\","
                        + "\"rope_theta\":10000}"))
        .hasMessageContaining("rope_parameters rope_type longrope is not supported");
    assertThatThrownBy(
            () -> parse(",\"model_type\":\"llama\",\"quantization_config\":{\"bits\":4}"))
        .hasMessageContaining("quantization_config");
    assertThatThrownBy(() -> parse(",\"model_type\":\"llama\",\"partial_rotary_factor\":0.5"))
        .hasMessageContaining("partial_rotary_factor");
    assertThatThrownBy(() -> parse(",\"model_type\":\"llama\",\"sliding_window\":4096"))
        .hasMessageContaining("sliding_window 4096 on a llama model");
    assertThatThrownBy(
            () ->
                parse(
                    ",\"model_type\":\"mistral\",\"sliding_window\":8,\"layer_types\":[\"chunked\"]"))
        .hasMessageContaining("layer_types has 1 entries for 24 layers");
  }
}
