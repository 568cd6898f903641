package io.openledger.openlora.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.openlora.json.Json;
import org.junit.jupiter.api.Test;

/** config.json fields of the supported families, and clear refusals of the rest. */
class LlamaConfigTest {
  static LlamaConfig parse(String extra) {
    return LlamaConfig.parse(
        Json.parseObject(
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
  void mistralIsServedWithinOneSlidingWindow() {
    LlamaConfig c =
        parse(
            ",\"model_type\":\"mistral\",\"sliding_window\":4096,\"max_position_embeddings\":32768");
    assertThat(c.maxPositions()).isEqualTo(4096);
    assertThat(c.attentionBias()).isFalse();
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
            () ->
                parse(
                    ",\"model_type\":\"llama\",\"rope_scaling\":{\"type\":\"yarn\",\"factor\":4}"))
        .hasMessageContaining("rope_scaling type yarn");
  }
}
