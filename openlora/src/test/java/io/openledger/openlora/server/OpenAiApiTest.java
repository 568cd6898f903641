package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.openlora.engine.ChatMessage;
import io.openledger.openlora.engine.GenerationResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenAI's completions, chat and models endpoints against the real server and engine. */
class OpenAiApiTest {
  @TempDir static Path dir;
  static TinyServer s;

  @BeforeAll
  static void start() {
    s = TinyServer.start(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static ObjectNode completion(String model, String prompt, int maxTokens) {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("model", model);
    b.put("prompt", prompt);
    b.put("max_tokens", maxTokens);
    b.put("temperature", 0);
    return b;
  }

  @Test
  void completionIsTheEnginesGreedyAnswerWithUsageAndReceipt() throws Exception {
    ApiClient.Reply r = s.client.post("/v1/completions", completion(s.base(), "Hello ledger", 12));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    GenerationResult direct = s.direct(null, "Hello ledger", 12);
    JsonNode body = r.json();
    assertThat(body.path("object").asText()).isEqualTo("text_completion");
    assertThat(body.path("model").asText()).isEqualTo(s.base());
    JsonNode choice = body.path("choices").get(0);
    assertThat(choice.path("text").asText()).isEqualTo(direct.text());
    assertThat(choice.path("finish_reason").asText()).isEqualTo(direct.finishReason().openAi());
    JsonNode usage = body.path("usage");
    assertThat(usage.path("prompt_tokens").asInt())
        .isEqualTo(GenerationPlan.tokenize(s.engine, "Hello ledger").length)
        .isEqualTo(direct.promptTokens());
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(direct.completionTokens());
    assertThat(usage.path("total_tokens").asInt())
        .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
    String receipt = body.path("receipt_id").asText();
    assertThat(receipt).matches("[0-9a-f]{64}");
    assertThat(r.header("X-Receipt-Id")).contains(receipt);
  }

  @Test
  void theSameRequestGetsTheSameReceiptAndAnotherRequestAnother() throws Exception {
    ApiClient.Reply a = s.client.post("/v1/completions", completion(s.base(), "same", 6));
    ApiClient.Reply b = s.client.post("/v1/completions", completion(s.base(), "same", 6));
    ApiClient.Reply c = s.client.post("/v1/completions", completion(s.base(), "same", 5));
    ApiClient.Reply d =
        s.client.post("/v1/completions", completion(s.base() + ":adapter-0000", "same", 6));
    String ra = a.json().path("receipt_id").asText();
    assertThat(b.json().path("receipt_id").asText()).isEqualTo(ra);
    assertThat(c.json().path("receipt_id").asText()).isNotEqualTo(ra);
    assertThat(d.json().path("receipt_id").asText()).isNotEqualTo(ra);
  }

  @Test
  void modelNamesBaseAndAdapterAndEachAdapterIsApplied() throws Exception {
    List<String> texts = new ArrayList<>();
    for (String adapter : TinyServer.GOOD) {
      ApiClient.Reply r =
          s.client.post(
              "/v1/completions", completion(s.base() + ":" + adapter, "Once upon a time", 10));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().path("model").asText()).isEqualTo(s.base() + ":" + adapter);
      String text = r.json().path("choices").get(0).path("text").asText();
      assertThat(text).as(adapter).isEqualTo(s.direct(adapter, "Once upon a time", 10).text());
      texts.add(text);
    }
    // LoRAX style: the adapter id alone names the adapter too.
    ApiClient.Reply bare =
        s.client.post("/v1/completions", completion("adapter-0001", "Once upon a time", 10));
    assertThat(bare.json().path("choices").get(0).path("text").asText()).isEqualTo(texts.get(1));
    String baseText = s.direct(null, "Once upon a time", 10).text();
    assertThat(texts)
        .as("at least one adapter changes the base's answer")
        .anyMatch(t -> !t.equals(baseText));
  }

  @Test
  void promptAsTokenIds() throws Exception {
    int[] ids = GenerationPlan.tokenize(s.engine, "tokens please");
    ObjectNode b = completion(s.base(), "x", 8);
    var arr = b.putArray("prompt");
    for (int id : ids) {
      arr.add(id);
    }
    ApiClient.Reply r = s.client.post("/v1/completions", b);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("choices").get(0).path("text").asText())
        .isEqualTo(s.direct(null, "tokens please", 8).text());
    assertThat(r.json().path("usage").path("prompt_tokens").asInt()).isEqualTo(ids.length);
  }

  @Test
  void completionLogprobsAreThoseOfTheGeneratedTokens() throws Exception {
    ObjectNode b = completion(s.base(), "probabilities", 5);
    b.put("logprobs", 2);
    ApiClient.Reply r = s.client.post("/v1/completions", b);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode lp = r.json().path("choices").get(0).path("logprobs");
    int n = r.json().path("usage").path("completion_tokens").asInt();
    assertThat(lp.path("tokens")).hasSize(n);
    assertThat(lp.path("token_logprobs")).hasSize(n);
    for (JsonNode v : lp.path("token_logprobs")) {
      assertThat(v.asDouble()).isLessThanOrEqualTo(0.0);
    }
    for (JsonNode top : lp.path("top_logprobs")) {
      assertThat(top.size()).isBetween(1, 2);
    }
  }

  @Test
  void chatUsesTheChatTemplate() throws Exception {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("model", s.base() + ":adapter-0002");
    b.put("max_tokens", 10);
    b.put("temperature", 0);
    var msgs = b.putArray("messages");
    msgs.addObject().put("role", "system").put("content", "You are terse.");
    msgs.addObject().put("role", "user").put("content", "Who pays contributors?");
    ApiClient.Reply r = s.client.post("/v1/chat/completions", b);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    JsonNode message = body.path("choices").get(0).path("message");
    assertThat(message.path("role").asText()).isEqualTo("assistant");
    String prompt =
        s.engine.renderChat(
            List.of(
                new ChatMessage("system", "You are terse."),
                new ChatMessage("user", "Who pays contributors?")),
            true);
    GenerationResult direct = s.direct("adapter-0002", prompt, 10);
    assertThat(message.path("content").asText()).isEqualTo(direct.text());
    assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(direct.promptTokens());
    assertThat(body.path("usage").path("completion_tokens").asInt())
        .isEqualTo(direct.completionTokens());
    assertThat(body.path("receipt_id").asText()).matches("[0-9a-f]{64}");
  }

  @Test
  void chatContentPartsAreJoined() throws Exception {
    ObjectNode parts = ApiClient.JSON.createObjectNode();
    parts.put("model", s.base());
    parts.put("max_tokens", 6);
    parts.put("temperature", 0);
    var content = parts.putArray("messages").addObject().put("role", "user").putArray("content");
    content.addObject().put("type", "text").put("text", "Hello ");
    content.addObject().put("type", "text").put("text", "there");
    ObjectNode plain = ApiClient.JSON.createObjectNode();
    plain.put("model", s.base());
    plain.put("max_tokens", 6);
    plain.put("temperature", 0);
    plain.putArray("messages").addObject().put("role", "user").put("content", "Hello there");
    ApiClient.Reply a = s.client.post("/v1/chat/completions", parts);
    ApiClient.Reply b = s.client.post("/v1/chat/completions", plain);
    assertThat(a.status()).as(a.toString()).isEqualTo(200);
    assertThat(a.json().path("choices").get(0).path("message").path("content").asText())
        .isEqualTo(b.json().path("choices").get(0).path("message").path("content").asText());
  }

  @Test
  void modelsListsTheBaseAndEachAdapterAsBaseColonAdapter() throws Exception {
    ApiClient.Reply r = s.client.get("/v1/models");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("object").asText()).isEqualTo("list");
    List<String> ids = new ArrayList<>();
    r.json().path("data").forEach(m -> ids.add(m.path("id").asText()));
    assertThat(ids.getFirst()).isEqualTo(s.base());
    for (String a : TinyServer.GOOD) {
      assertThat(ids).contains(s.base() + ":" + a);
    }
    JsonNode entry = r.json().path("data").get(ids.indexOf(s.base() + ":adapter-0000"));
    assertThat(entry.path("object").asText()).isEqualTo("model");
    assertThat(entry.path("parent").asText()).isEqualTo(s.base());
    assertThat(entry.path("rank").asInt()).isEqualTo(8);

    ApiClient.Reply one = s.client.get("/v1/models/" + s.base() + ":adapter-0001");
    assertThat(one.status()).as(one.toString()).isEqualTo(200);
    assertThat(one.json().path("id").asText()).isEqualTo(s.base() + ":adapter-0001");
    assertThat(s.client.get("/v1/models/" + s.base()).json().path("id").asText())
        .isEqualTo(s.base());
  }

  @Test
  void streamedCompletionEqualsTheNonStreamedGreedyAnswer() throws Exception {
    ObjectNode b = completion(s.base() + ":adapter-0001", "Stream me", 16);
    ApiClient.Reply whole = s.client.post("/v1/completions", b);
    b.put("stream", true);
    ApiClient.Stream st = s.client.stream("/v1/completions", b);
    assertThat(st.status()).isEqualTo(200);
    assertThat(st.contentType()).startsWith("text/event-stream");
    assertThat(st.data().getLast()).isEqualTo("[DONE]");
    List<JsonNode> events = st.events();
    StringBuilder text = new StringBuilder();
    for (JsonNode e : events) {
      assertThat(e.path("object").asText()).isEqualTo("text_completion");
      text.append(e.path("choices").get(0).path("text").asText());
    }
    JsonNode last = events.getLast();
    assertThat(text.toString())
        .isEqualTo(whole.json().path("choices").get(0).path("text").asText());
    assertThat(last.path("choices").get(0).path("finish_reason").asText())
        .isEqualTo(whole.json().path("choices").get(0).path("finish_reason").asText());
    assertThat(last.path("usage")).isEqualTo(whole.json().path("usage"));
    assertThat(last.path("receipt_id").asText())
        .isEqualTo(whole.json().path("receipt_id").asText());
    for (JsonNode e : events.subList(0, events.size() - 1)) {
      assertThat(e.path("choices").get(0).path("finish_reason").isNull()).isTrue();
    }
  }

  @Test
  void streamedChatEqualsTheNonStreamedGreedyAnswer() throws Exception {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("model", s.base() + ":adapter-0000");
    b.put("max_tokens", 14);
    b.put("temperature", 0);
    b.putArray("messages").addObject().put("role", "user").put("content", "Tell me a story");
    ApiClient.Reply whole = s.client.post("/v1/chat/completions", b);
    b.put("stream", true);
    ApiClient.Stream st = s.client.stream("/v1/chat/completions", b);
    assertThat(st.status()).isEqualTo(200);
    assertThat(st.data().getLast()).isEqualTo("[DONE]");
    List<JsonNode> events = st.events();
    assertThat(events.getFirst().path("choices").get(0).path("delta").path("role").asText())
        .isEqualTo("assistant");
    StringBuilder text = new StringBuilder();
    for (JsonNode e : events) {
      assertThat(e.path("object").asText()).isEqualTo("chat.completion.chunk");
      text.append(e.path("choices").get(0).path("delta").path("content").asText(""));
    }
    JsonNode wholeChoice = whole.json().path("choices").get(0);
    assertThat(text.toString()).isEqualTo(wholeChoice.path("message").path("content").asText());
    JsonNode last = events.getLast();
    assertThat(last.path("choices").get(0).path("finish_reason").asText())
        .isEqualTo(wholeChoice.path("finish_reason").asText());
    assertThat(last.path("usage")).isEqualTo(whole.json().path("usage"));
  }

  @Test
  void seededSamplingIsReproducible() throws Exception {
    ObjectNode b = completion(s.base(), "dice", 12);
    b.put("temperature", 0.9);
    b.put("top_p", 0.95);
    b.put("seed", 1234);
    ApiClient.Reply x = s.client.post("/v1/completions", b);
    ApiClient.Reply y = s.client.post("/v1/completions", b);
    assertThat(x.status()).as(x.toString()).isEqualTo(200);
    assertThat(x.json().path("choices")).isEqualTo(y.json().path("choices"));
    assertThat(x.json().path("receipt_id")).isEqualTo(y.json().path("receipt_id"));
  }
}
