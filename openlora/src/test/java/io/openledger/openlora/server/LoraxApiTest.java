package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.openlora.engine.GenerationResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRAX's /generate and /generate_stream against the real server and engine. */
class LoraxApiTest {
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

  static ObjectNode generate(String inputs, String adapter, int maxNewTokens) {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("inputs", inputs);
    ObjectNode p = b.putObject("parameters");
    if (adapter != null) {
      p.put("adapter_id", adapter);
    }
    p.put("max_new_tokens", maxNewTokens);
    p.put("details", true);
    return b;
  }

  @Test
  void generateWithDetailsReturnsTokenIdsTextsAndLogprobs() throws Exception {
    ApiClient.Reply r = s.client.post("/generate", generate("The ledger", "adapter-0001", 10));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    GenerationResult direct = s.direct("adapter-0001", "The ledger", 10);
    JsonNode body = r.json();
    assertThat(body.path("generated_text").asText()).isEqualTo(direct.text());
    JsonNode details = body.path("details");
    assertThat(details.path("finish_reason").asText()).isEqualTo(direct.finishReason().tgi());
    assertThat(details.path("generated_tokens").asInt()).isEqualTo(direct.completionTokens());
    assertThat(details.path("seed").isNull()).as("greedy: no seed").isTrue();
    JsonNode tokens = details.path("tokens");
    assertThat(tokens).hasSize(direct.tokens().size());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      JsonNode t = tokens.get(i);
      assertThat(t.path("id").asInt()).isEqualTo(direct.tokens().get(i).tokenId());
      assertThat(t.path("logprob").asDouble()).isLessThanOrEqualTo(0.0);
      assertThat(t.has("special")).isTrue();
      if (!t.path("special").asBoolean()) {
        text.append(t.path("text").asText());
      }
    }
    assertThat(text.toString()).isEqualTo(body.path("generated_text").asText());
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = tokens.get(i).path("id").asInt();
    }
    assertThat(s.engine.decode(ids)).isEqualTo(direct.text());
    JsonNode usage = body.path("usage");
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(direct.completionTokens());
    assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(direct.promptTokens());
    assertThat(usage.path("total_tokens").asInt())
        .isEqualTo(direct.promptTokens() + direct.completionTokens());
    assertThat(body.path("receipt_id").asText()).matches("[0-9a-f]{64}");
    assertThat(r.header("X-Receipt-Id")).contains(body.path("receipt_id").asText());
  }

  @Test
  void withoutDetailsOnlyTheTextUsageAndReceipt() throws Exception {
    ObjectNode b = generate("Plain", null, 5);
    ((ObjectNode) b.path("parameters")).put("details", false);
    ApiClient.Reply r = s.client.post("/generate", b);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().has("details")).isFalse();
    assertThat(r.json().path("generated_text").asText())
        .isEqualTo(s.direct(null, "Plain", 5).text());
    assertThat(r.json().path("usage").path("total_tokens").asInt()).isPositive();
  }

  @Test
  void defaultsToTwentyNewTokensAndGreedy() throws Exception {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("inputs", "Defaults");
    ApiClient.Reply r = s.client.post("/generate", b);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("generated_text").asText())
        .isEqualTo(s.direct(null, "Defaults", GenerateRoute.DEFAULT_MAX_NEW_TOKENS).text());
  }

  @Test
  void sampledGenerationReportsItsSeedAndRepeatsWithIt() throws Exception {
    ObjectNode b = generate("Random walk", "adapter-0002", 12);
    ObjectNode p = (ObjectNode) b.path("parameters");
    p.put("do_sample", true);
    p.put("temperature", 0.8);
    p.put("top_k", 20);
    ApiClient.Reply first = s.client.post("/generate", b);
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    JsonNode seed = first.json().path("details").path("seed");
    assertThat(seed.isIntegralNumber()).as("sampled: the seed used is reported").isTrue();
    p.put("seed", seed.asLong());
    ApiClient.Reply again = s.client.post("/generate", b);
    assertThat(again.json().path("generated_text")).isEqualTo(first.json().path("generated_text"));
    assertSameTokens(
        again.json().path("details").path("tokens"), first.json().path("details").path("tokens"));
  }

  @Test
  void stopSequenceEndsTheAnswerBeforeIt() throws Exception {
    String full = s.direct(null, "Stop here", 24).text();
    String stop = full.length() >= 8 ? full.substring(4, 7) : null;
    org.junit.jupiter.api.Assumptions.assumeTrue(stop != null && !stop.isBlank(), full);
    ObjectNode b = generate("Stop here", null, 24);
    ((ObjectNode) b.path("parameters")).putArray("stop").add(stop);
    ApiClient.Reply r = s.client.post("/generate", b);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("generated_text").asText())
        .isEqualTo(full.substring(0, full.indexOf(stop)));
    assertThat(r.json().path("details").path("finish_reason").asText()).isEqualTo("stop_sequence");
  }

  @Test
  void returnFullTextPrependsTheInputs() throws Exception {
    ObjectNode b = generate("Prefix: ", null, 4);
    ((ObjectNode) b.path("parameters")).put("return_full_text", true);
    ApiClient.Reply r = s.client.post("/generate", b);
    assertThat(r.json().path("generated_text").asText())
        .isEqualTo("Prefix: " + s.direct(null, "Prefix: ", 4).text());
  }

  @Test
  void mergedAdaptersRunAsAnEnsemble() throws Exception {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("inputs", "Together");
    ObjectNode p = b.putObject("parameters");
    p.put("max_new_tokens", 8);
    ObjectNode merged = p.putObject("merged_adapters");
    merged.putArray("ids").add("adapter-0000").add("adapter-0001");
    merged.putArray("weights").add(0.5).add(0.5);
    ApiClient.Reply r = s.client.post("/generate", b);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("usage").path("completion_tokens").asInt()).isPositive();
  }

  @Test
  void streamSendsOneTokenEventEachAndTheDetailsLast() throws Exception {
    ObjectNode b = generate("Streaming ledger", "adapter-0000", 12);
    ApiClient.Reply whole = s.client.post("/generate", b);
    ApiClient.Stream st = s.client.stream("/generate_stream", b);
    assertThat(st.status()).isEqualTo(200);
    assertThat(st.contentType()).startsWith("text/event-stream");
    List<JsonNode> events = st.events();
    JsonNode wholeDetails = whole.json().path("details");
    assertThat(events).hasSize(wholeDetails.path("tokens").size());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      assertSameToken(e.path("token"), wholeDetails.path("tokens").get(i), "event " + i);
      if (!e.path("token").path("special").asBoolean()) {
        text.append(e.path("token").path("text").asText());
      }
      if (i < events.size() - 1) {
        assertThat(e.path("generated_text").isNull()).isTrue();
        assertThat(e.path("details").isNull()).isTrue();
      }
    }
    JsonNode last = events.getLast();
    assertThat(text.toString()).isEqualTo(whole.json().path("generated_text").asText());
    assertThat(last.path("generated_text")).isEqualTo(whole.json().path("generated_text"));
    assertThat(last.path("details").path("finish_reason"))
        .isEqualTo(wholeDetails.path("finish_reason"));
    assertThat(last.path("details").path("generated_tokens"))
        .isEqualTo(wholeDetails.path("generated_tokens"));
    assertThat(last.path("usage")).isEqualTo(whole.json().path("usage"));
    assertThat(last.path("receipt_id")).isEqualTo(whole.json().path("receipt_id"));
  }

  /**
   * Log-probabilities agree to 1e-4: the same request may run merged (W + scale BA) once and
   * unmerged (W x + B A x) another time, which round differently in float32.
   */
  static void assertSameToken(JsonNode actual, JsonNode expected, String what) {
    assertThat(actual.path("id")).as(what).isEqualTo(expected.path("id"));
    assertThat(actual.path("text")).as(what).isEqualTo(expected.path("text"));
    assertThat(actual.path("special")).as(what).isEqualTo(expected.path("special"));
    assertThat(actual.path("logprob").asDouble())
        .as(what)
        .isCloseTo(expected.path("logprob").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
  }

  static void assertSameTokens(JsonNode actual, JsonNode expected) {
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < actual.size(); i++) {
      assertSameToken(actual.get(i), expected.get(i), "token " + i);
    }
  }

  @Test
  void generateWithStreamTrueStreamsToo() throws Exception {
    ObjectNode b = generate("Also streams", null, 6);
    b.put("stream", true);
    ApiClient.Stream st = s.client.stream("/generate", b);
    assertThat(st.contentType()).startsWith("text/event-stream");
    assertThat(st.events().getLast().path("generated_text").asText())
        .isEqualTo(s.direct(null, "Also streams", 6).text());
  }
}
