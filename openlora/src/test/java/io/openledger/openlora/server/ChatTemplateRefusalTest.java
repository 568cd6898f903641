package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.testmodel.Fixtures;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A model whose chat template uses Jinja OpenLoRA does not render exactly: chat completions are
 * refused with the reason, /v1/models says why, text completions still work.
 */
class ChatTemplateRefusalTest {
  static {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  @Test
  void aRefusedTemplateFailsChatOnlyAndSaysWhy() throws IOException, InterruptedException {
    Path model =
        TestModels.writeModel(Fixtures.newDir("refused-template").resolve("m"), ModelSpec.tiny());
    Path cfg = model.resolve("tokenizer_config.json");
    ObjectNode tokenizerConfig = (ObjectNode) ApiClient.JSON.readTree(cfg.toFile());
    assertThat(tokenizerConfig.path("chat_template").asText()).isEqualTo(TestModels.CHAT_TEMPLATE);
    tokenizerConfig.put(
        "chat_template",
        "{% for m in messages %}{{ '{}: {}'.format(m.role, m.content) }}{% endfor %}");
    ApiClient.JSON.writeValue(cfg.toFile(), tokenizerConfig);
    try (InferenceEngine engine = InferenceEngine.open(EngineConfig.of(model));
        OpenLoraServer server = OpenLoraServer.start(engine, ServerConfig.loopbackEphemeral());
        ApiClient client = new ApiClient(server.baseUri())) {
      JsonNode base = client.get("/v1/models").json().path("data").get(0);
      assertThat(base.path("chat_template").path("status").asText()).isEqualTo("refused");
      assertThat(base.path("chat_template").path("reason").asText())
          .contains("the method format()")
          .contains("does not render exactly");

      ObjectNode chat = ApiClient.JSON.createObjectNode();
      chat.put("model", engine.model().id());
      chat.put("max_tokens", 3);
      chat.putArray("messages").addObject().put("role", "user").put("content", "Hello");
      ApiClient.Reply refused = client.post("/v1/chat/completions", chat);
      assertThat(refused.status()).isEqualTo(400);
      JsonNode error = refused.json().path("error");
      assertThat(error.path("code").asText()).isEqualTo("chat_template_unsupported");
      assertThat(error.path("message").asText())
          .contains("the method format()")
          .contains("/v1/completions");

      ObjectNode completion = ApiClient.JSON.createObjectNode();
      completion.put("model", engine.model().id());
      completion.put("max_tokens", 3);
      completion.put("prompt", "user: Hello\nassistant:");
      ApiClient.Reply ok = client.post("/v1/completions", completion);
      assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    }
  }

  @Test
  void aUsableTemplateIsListedAsOk() throws IOException, InterruptedException {
    try (TinyServer s = TinyServer.start(Fixtures.newDir("ok-template"))) {
      JsonNode base = s.client.get("/v1/models").json().path("data").get(0);
      assertThat(base.path("chat_template").path("status").asText()).isEqualTo("ok");
      assertThat(base.path("chat_template").has("reason")).isFalse();
    }
  }
}
