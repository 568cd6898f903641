package io.openledger.openlora.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.testmodel.Fixtures;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a model keeps its chat template and special tokens, as transformers 4 and 5 save them. */
class ModelTokenizerTest {
  @Test
  void chatTemplateJinjaAsTransformers5SavesItTakesPriority() throws IOException {
    Path dir = TestModels.writeModel(Fixtures.newDir("t5-template"), ModelSpec.tiny());
    Path cfg = dir.resolve("tokenizer_config.json");
    Map<String, Object> c = JsonMaps.parseObject(Files.readString(cfg));
    c.remove("chat_template");
    Files.writeString(cfg, JsonMaps.writePretty(c));
    try (ModelTokenizer t = ModelTokenizer.load(dir)) {
      assertThat(t.chatTemplate()).isEmpty();
    }
    Files.writeString(dir.resolve("chat_template.jinja"), "{{ bos_token }}jinja file");
    c.put("chat_template", "config entry");
    Files.writeString(cfg, JsonMaps.writePretty(c));
    try (ModelTokenizer t = ModelTokenizer.load(dir)) {
      assertThat(t.chatTemplate()).contains("{{ bos_token }}jinja file");
      assertThat(t.specialTokens()).containsKey("bos_token");
    }
  }

  @Test
  void namedTemplatesInTheConfigGiveTheDefaultOne() throws IOException {
    Path dir = TestModels.writeModel(Fixtures.newDir("named-template"), ModelSpec.tiny());
    Path cfg = dir.resolve("tokenizer_config.json");
    Map<String, Object> c = JsonMaps.parseObject(Files.readString(cfg));
    c.put(
        "chat_template",
        List.of(
            Map.of("name", "tool_use", "template", "tools"),
            Map.of("name", "default", "template", "plain")));
    Files.writeString(cfg, JsonMaps.writePretty(c));
    try (ModelTokenizer t = ModelTokenizer.load(dir)) {
      assertThat(t.chatTemplate()).contains("plain");
    }
  }
}
