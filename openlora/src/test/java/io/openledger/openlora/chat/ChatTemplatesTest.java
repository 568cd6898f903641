package io.openledger.openlora.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chat templates of popular open model families rendered exactly as transformers'
 * apply_chat_template renders them, byte for byte, for several conversations each (or the same
 * failure), plus short snippets pinning Jinja's semantics; and templates using Jinja this renderer
 * does not reproduce are refused at load. Expected renders come from
 * src/test/python/reference_chat_templates.py (transformers 5 + jinja2).
 */
class ChatTemplatesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNode FIXTURE = read();

  static JsonNode read() {
    try (InputStream in =
        ChatTemplatesTest.class.getResourceAsStream("/reference/chat_templates.json")) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static ZonedDateTime now() {
    return LocalDateTime.parse(FIXTURE.get("now").asText()).atZone(ZoneId.systemDefault());
  }

  static ChatTemplate load(JsonNode entry) {
    Map<String, String> tokens =
        JSON.convertValue(entry.get("special_tokens"), new TypeReference<>() {});
    return ChatTemplate.load(
        Optional.of(entry.get("template").asText()), tokens, ChatTemplatesTest::now);
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode t : FIXTURE.get("templates")) {
      for (JsonNode c : t.get("cases")) {
        out.add(Arguments.of(t.get("name").asText() + " / " + c.get("name").asText(), t, c));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersAsTransformersDoes(String name, JsonNode template, JsonNode c) {
    ChatTemplate t = load(template);
    assertThat(t.refusal()).as("refusal of %s", name).isEmpty();
    List<Map<String, Object>> messages =
        JSON.convertValue(c.get("messages"), new TypeReference<>() {});
    List<Object> tools =
        c.get("tools").isNull()
            ? null
            : JSON.convertValue(c.get("tools"), new TypeReference<>() {});
    boolean agp = c.get("add_generation_prompt").asBoolean();
    expect(() -> t.render(messages, tools, agp), c);
  }

  static Stream<Arguments> snippets() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode s : FIXTURE.get("snippets")) {
      out.add(Arguments.of(s.get("template").asText(), s));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snippets")
  void snippetsBehaveAsJinja2(String source, JsonNode s) {
    ChatTemplate t = load(s);
    assertThat(t.refusal()).as("refusal of %s", source).isEmpty();
    JsonNode conversation = FIXTURE.get("templates").get(0).get("cases").get(1);
    List<Map<String, Object>> messages =
        JSON.convertValue(conversation.get("messages"), new TypeReference<>() {});
    Map<String, Object> variables = JSON.convertValue(s.get("variables"), new TypeReference<>() {});
    expect(() -> t.render(messages, null, true, variables), s);
  }

  private static void expect(java.util.function.Supplier<String> render, JsonNode expected) {
    if (expected.has("expected")) {
      assertThat(render.get()).isEqualTo(expected.get("expected").asText());
      return;
    }
    String error = expected.get("error").asText();
    if (expected.get("raised").asBoolean()) {
      assertThatThrownBy(render::get)
          .isInstanceOfSatisfying(
              TemplateError.class, e -> assertThat(e.kind()).isEqualTo(TemplateError.Kind.RAISED))
          .hasMessage(error);
    } else {
      assertThatThrownBy(render::get)
          .as("Python failed with %s", error)
          .isInstanceOfSatisfying(
              TemplateError.class, e -> assertThat(e.kind()).isEqualTo(TemplateError.Kind.RUNTIME));
    }
  }

  @Test
  void templatesUsingWhatIsNotReproducedAreRefusedAtLoadWithTheReason() {
    for (JsonNode r : FIXTURE.get("refused")) {
      ChatTemplate t = load(r);
      assertThat(t.usable()).as(r.get("name").asText()).isFalse();
      assertThat(t.refusal()).get().asString().contains("does not render exactly");
      assertThatThrownBy(
              () -> t.render(List.of(Map.of("role", "user", "content", "x")), null, true))
          .isInstanceOfSatisfying(
              TemplateError.class,
              e -> assertThat(e.kind()).isEqualTo(TemplateError.Kind.UNSUPPORTED));
    }
  }

  @Test
  void theCorpusCoversTwentyFamiliesAndTools() {
    assertThat(FIXTURE.get("templates").size()).isGreaterThanOrEqualTo(20);
    long withTools = 0;
    for (JsonNode t : FIXTURE.get("templates")) {
      for (JsonNode c : t.get("cases")) {
        if (!c.get("tools").isNull() && c.has("expected")) {
          withTools++;
        }
      }
    }
    assertThat(withTools).isGreaterThanOrEqualTo(40);
  }

  @Test
  void invalidJinjaAndMissingTemplatesAreRefusedWithTheReason() {
    assertThat(ChatTemplate.load(Optional.of("{% if x %}"), Map.of()).refusal())
        .get()
        .asString()
        .startsWith("it is not valid Jinja");
    assertThat(ChatTemplate.load(Optional.of("{{ x | nosuchfilter }}"), Map.of()).refusal())
        .get()
        .asString()
        .contains("no filter named 'nosuchfilter'");
    assertThat(ChatTemplate.load(Optional.empty(), Map.of()).refusal())
        .get()
        .asString()
        .contains("has no chat template");
  }
}
