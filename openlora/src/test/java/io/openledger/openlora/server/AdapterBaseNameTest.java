package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.testmodel.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * An adapter trained on the same model under another name (a cache snapshot folder, a renamed copy)
 * is served with a warning that /v1/models shows; strict mode refuses it.
 */
class AdapterBaseNameTest {
  static Path renamed(TinyServer s) throws Exception {
    Path dir = Fixtures.newDir("renamed-base");
    TinyServer.copyDir(s.adapters.resolve("adapter-0000"), dir.resolve("a"));
    Path cfg = dir.resolve("a").resolve("adapter_config.json");
    Map<String, Object> c = JsonMaps.parseObject(Files.readString(cfg));
    c.put("base_model_name_or_path", "/root/.cache/huggingface/hub/models--org--x/snapshots/3f2a");
    Files.writeString(cfg, JsonMaps.writePretty(c));
    return dir.resolve("a");
  }

  @Test
  void servedWithAWarningWhenShapesFit() throws Exception {
    try (TinyServer s = TinyServer.start(Fixtures.newDir("warn"))) {
      s.engine.registerAdapter("renamed", renamed(s));
      JsonNode entry = null;
      for (JsonNode m : s.client.get("/v1/models").json().path("data")) {
        if (m.path("adapter_id").asText().equals("renamed")) {
          entry = m;
        }
      }
      assertThat(entry).isNotNull();
      assertThat(entry.path("warnings").get(0).asText())
          .contains("trained for base model \"/root/.cache/huggingface/hub/models--org--x/")
          .contains("served because its shapes fit");
      ObjectNode b = ApiClient.JSON.createObjectNode();
      b.put("model", s.base() + ":renamed");
      b.put("prompt", "hello");
      b.put("max_tokens", 2);
      assertThat(s.client.post("/v1/completions", b).status()).isEqualTo(200);
    }
  }

  @Test
  void refusedInStrictMode() throws Exception {
    try (TinyServer s =
        TinyServer.start(Fixtures.newDir("strict"), c -> c.withStrictAdapterBase(true))) {
      Path dir = renamed(s);
      Assertions.assertThatThrownBy(() -> s.engine.registerAdapter("renamed", dir))
          .isInstanceOf(EngineException.AdapterInvalid.class)
          .hasMessageContaining("strict base-name checking is on");
    }
  }
}
