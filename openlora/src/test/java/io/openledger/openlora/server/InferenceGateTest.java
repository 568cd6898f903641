package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.openlora.engine.EngineMetrics;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.engine.GenerationResult.FinishReason;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paid-inference hook over real HTTP: a gate that refuses keeps the engine idle, a gate that
 * admits settles each answer exactly once before the client sees it (streamed or not, OpenAI or
 * LoRAX), and the request's failure or the client's hang-up leaves the gate with one outcome.
 */
class InferenceGateTest {
  @TempDir static Path dir;
  static TinyServer s;
  static final RecordingGate GATE = new RecordingGate();
  static final AtomicInteger CASES = new AtomicInteger();

  @BeforeAll
  static void start() {
    s = TinyServer.start(dir, c -> c, ServerExtensions.none().withGate(GATE));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static String newCase() {
    return "case-" + CASES.incrementAndGet();
  }

  static ObjectNode completion(String model, String prompt, int maxTokens, boolean stream) {
    ObjectNode b = OpenAiApiTest.completion(model, prompt, maxTokens);
    b.put("stream", stream);
    return b;
  }

  static ObjectNode chat(String model, String content, int maxTokens, boolean stream) {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("model", model);
    b.putArray("messages").addObject().put("role", "user").put("content", content);
    b.put("max_tokens", maxTokens);
    b.put("temperature", 0);
    b.put("stream", stream);
    return b;
  }

  static ObjectNode generate(String adapter, String inputs, int maxNewTokens) {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("inputs", inputs);
    ObjectNode p = b.putObject("parameters").put("max_new_tokens", maxNewTokens);
    if (adapter != null) {
      p.put("adapter_id", adapter);
      p.put("details", true);
    }
    return b;
  }

  /** Everything the engine has done: unchanged means it never ran. */
  /**
   * The engine's counters once it is idle: a request of an earlier test (a stream whose client hung
   * up) may still be finishing and counting when the next test starts.
   */
  static List<Long> engineWork() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L; // liveness guard
    while ((s.engine.metrics().running() > 0 || s.engine.metrics().queued() > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    EngineMetrics m = s.engine.metrics();
    return List.of(
        m.requestsCompleted(),
        m.requestsFailed(),
        m.requestsRejected(),
        m.promptTokens(),
        m.completionTokens());
  }

  @Test
  void refusalsAreAnsweredInTheRoutesShapeWithTheGatesWordsAndTheEngineNeverRuns()
      throws Exception {
    List<Long> before = engineWork();
    record Route(String path, JsonNode body) {}
    List<Route> routes =
        List.of(
            new Route("/v1/completions", completion(s.base(), "pay first", 4, false)),
            new Route("/v1/completions", completion(s.base(), "pay first", 4, true)),
            new Route("/v1/chat/completions", chat(s.base(), "pay first", 4, false)),
            new Route("/v1/chat/completions", chat(s.base(), "pay first", 4, true)),
            new Route("/generate", generate("adapter-0000", "pay first", 4)),
            new Route("/generate_stream", generate("adapter-0000", "pay first", 4)));
    for (Route route : routes) {
      for (String mode : List.of("401", "402", "503")) {
        String id = newCase();
        ApiClient.Reply r =
            s.client.post(route.path(), route.body().toString(), RecordingGate.headers(id, mode));
        int status = Integer.parseInt(mode);
        String message;
        if (route.path().startsWith("/generate")) {
          String type =
              switch (status) {
                case 401 -> "unauthorized";
                case 402 -> "payment_required";
                default -> "overloaded";
              };
          message = ApiErrorsTest.tgiError(r, status, type).path("error").asText();
        } else {
          String code =
              switch (status) {
                case 401 -> "invalid_api_key";
                case 402 -> "payment_required";
                default -> "unavailable";
              };
          JsonNode e = ApiErrorsTest.openAiError(r, status, null, code);
          message = e.path("message").asText();
          assertThat(e.path("type").asText())
              .isEqualTo(
                  switch (status) {
                    case 402 -> "insufficient_quota";
                    case 503 -> "server_error";
                    default -> "invalid_request_error";
                  });
        }
        assertThat(r.header("Content-Type").orElse("")).startsWith("application/json");
        switch (status) {
          case 401 -> {
            assertThat(message).isEqualTo("no API key: send Authorization: Bearer <key>");
            assertThat(r.header("WWW-Authenticate")).contains("Bearer");
          }
          case 402 ->
              assertThat(message)
                  .isEqualTo("escrow exhausted: 12 OPEN needed, 3 left (case " + id + ")");
          default -> {
            assertThat(message).isEqualTo("the chain is not synced yet");
            assertThat(r.header("Retry-After")).contains("7");
          }
        }
        assertThat(GATE.admitted(id)).as(route.path() + " " + mode).hasSize(1);
        assertThat(GATE.settled(id)).isEmpty();
        assertThat(GATE.abandoned(id)).isEmpty();
      }
    }
    assertThat(engineWork()).as("the engine never ran").isEqualTo(before);
  }

  @Test
  void aGateThatFailsToAdmitIs500AndTheEngineNeverRuns() throws Exception {
    List<Long> before = engineWork();
    String id = newCase();
    ApiClient.Reply r =
        s.client.post(
            "/v1/completions",
            completion(s.base(), "x", 3, false).toString(),
            RecordingGate.headers(id, "admit-throws"));
    JsonNode e = ApiErrorsTest.openAiError(r, 500, null, "internal_error");
    assertThat(e.path("message").asText()).contains("chain RPC down");
    String tgi = newCase();
    ApiErrorsTest.tgiError(
        s.client.post(
            "/generate_stream",
            generate(null, "x", 3).toString(),
            RecordingGate.headers(tgi, "admit-throws")),
        500,
        "generation");
    assertThat(engineWork()).isEqualTo(before);
    assertThat(GATE.settled(id)).isEmpty();
    assertThat(GATE.abandoned(id)).isEmpty();
  }

  @Test
  void anAdmittedCompletionIsSettledAndAnsweredWithTheGatesReceipt() throws Exception {
    String id = newCase();
    String body = completion(s.base() + ":adapter-0001", "The ledger pays", 7, false).toString();
    Map<String, String> headers =
        Map.of(
            RecordingGate.CASE,
            id,
            "Authorization",
            "Bearer sk-live",
            "X-OpenLedger-Spend",
            "0xabc,5,0xsig");
    ApiClient.Reply r = s.client.post("/v1/completions", body, headers);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);

    AdmissionRequest a = GATE.admitted(id).getFirst();
    assertThat(a.route()).isEqualTo("/v1/completions");
    assertThat(a.streaming()).isFalse();
    assertThat(a.model()).isEqualTo(s.base() + ":adapter-0001");
    assertThat(a.adapterIds()).containsExactly("adapter-0001");
    assertThat(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo(body);
    assertThat(a.header("authorization")).contains("Bearer sk-live");
    assertThat(a.header("x-openledger-spend")).contains("0xabc,5,0xsig");
    assertThat(a.header("X-Not-Sent")).isEmpty();
    assertThat(a.maxNewTokens()).isEqualTo(7);

    JsonNode usage = r.json().path("usage");
    assertThat(a.promptTokens()).isEqualTo(usage.path("prompt_tokens").asInt());
    assertThat(GATE.settled(id)).hasSize(1);
    assertThat(GATE.abandoned(id)).isEmpty();
    Completed c = GATE.settled(id).getFirst();
    assertThat(c.promptTokens()).isEqualTo(usage.path("prompt_tokens").asInt());
    assertThat(c.completionTokens()).isEqualTo(usage.path("completion_tokens").asInt());
    JsonNode choice = r.json().path("choices").get(0);
    assertThat(c.text()).isEqualTo(choice.path("text").asText());
    assertThat(c.finishReason().openAi()).isEqualTo(choice.path("finish_reason").asText());
    assertThat(c.adapterIds()).containsExactly("adapter-0001");
    assertThat(c.route()).isEqualTo("/v1/completions");
    assertThat(c.engineReceiptId()).matches("[0-9a-f]{64}");
    GenerationResult direct = s.direct("adapter-0001", "The ledger pays", 7);
    assertThat(c.text()).isEqualTo(direct.text());

    // The gate's receipt replaces the server's own, in the body and the header.
    assertThat(r.json().path("receipt_id").asText()).isEqualTo(RecordingGate.receiptOf(id));
    assertThat(r.header("X-Receipt-Id")).contains(RecordingGate.receiptOf(id));
    assertThat(r.json().path("openledger")).isEqualTo(RecordingGate.openledger(id));
  }

  @Test
  void aChatAnswerIsSettledOnce() throws Exception {
    String id = newCase();
    ApiClient.Reply r =
        s.client.post(
            "/v1/chat/completions",
            chat(s.base() + ":adapter-0002", "Who pays?", 6, false).toString(),
            RecordingGate.headers(id, "pay"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(GATE.admitted(id).getFirst().route()).isEqualTo("/v1/chat/completions");
    Completed c = GATE.settled(id).getFirst();
    assertThat(GATE.settled(id)).hasSize(1);
    assertThat(c.text())
        .isEqualTo(r.json().path("choices").get(0).path("message").path("content").asText());
    assertThat(c.completionTokens())
        .isEqualTo(r.json().path("usage").path("completion_tokens").asInt());
    assertThat(r.json().path("receipt_id").asText()).isEqualTo(RecordingGate.receiptOf(id));
    assertThat(r.json().path("openledger")).isEqualTo(RecordingGate.openledger(id));
    assertThat(GATE.abandoned(id)).isEmpty();
  }

  @Test
  void loraxAnswersCarryTheGatesReceiptAndTheTextTheGateSettled() throws Exception {
    String id = newCase();
    ObjectNode body = generate("adapter-0000", "The ledger", 5);
    ((ObjectNode) body.path("parameters")).put("return_full_text", true);
    ApiClient.Reply r =
        s.client.post("/generate", body.toString(), RecordingGate.headers(id, "pay"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    Completed c = GATE.settled(id).getFirst();
    assertThat(r.json().path("generated_text").asText()).isEqualTo("The ledger" + c.text());
    assertThat(c.completionTokens())
        .isEqualTo(r.json().path("details").path("generated_tokens").asInt())
        .isEqualTo(r.json().path("usage").path("completion_tokens").asInt());
    assertThat(c.finishReason().tgi())
        .isEqualTo(r.json().path("details").path("finish_reason").asText());
    assertThat(r.json().path("receipt_id").asText()).isEqualTo(RecordingGate.receiptOf(id));
    assertThat(r.header("X-Receipt-Id")).contains(RecordingGate.receiptOf(id));
    assertThat(r.json().path("openledger")).isEqualTo(RecordingGate.openledger(id));
    assertThat(GATE.admitted(id).getFirst().adapterIds()).containsExactly("adapter-0000");
    assertThat(GATE.abandoned(id)).isEmpty();
  }

  @Test
  void streamsAreSettledOnceBeforeTheirLastEventWhichCarriesTheOpenledgerField() throws Exception {
    record Streamed(String path, JsonNode body, boolean openAi) {}
    List<Streamed> streams =
        List.of(
            new Streamed("/v1/completions", completion(s.base(), "Once upon", 6, true), true),
            new Streamed(
                "/v1/chat/completions", chat(s.base() + ":adapter-0001", "Hi", 6, true), true),
            new Streamed("/generate_stream", generate("adapter-0002", "The ledger", 6), false),
            new Streamed(
                "/generate", generate("adapter-0002", "The ledger", 6).put("stream", true), false));
    for (Streamed st : streams) {
      String id = newCase();
      ApiClient.Stream r = s.client.stream(st.path(), st.body(), RecordingGate.headers(id, "pay"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.contentType()).startsWith("text/event-stream");
      List<JsonNode> events = r.events();
      JsonNode last = events.getLast();
      assertThat(last.has("openledger")).as(st.path() + " " + r.data()).isTrue();
      assertThat(last.path("openledger")).isEqualTo(RecordingGate.openledger(id));
      assertThat(last.path("receipt_id").asText()).isEqualTo(RecordingGate.receiptOf(id));
      assertThat(events.subList(0, events.size() - 1))
          .as("only the last event carries the settlement")
          .allSatisfy(e -> assertThat(e.has("openledger")).isFalse());
      if (st.openAi()) {
        assertThat(r.data().getLast()).isEqualTo("[DONE]");
      }
      assertThat(GATE.settled(id)).as(st.path()).hasSize(1);
      assertThat(GATE.abandoned(id)).isEmpty();
      Completed c = GATE.settled(id).getFirst();
      assertThat(c.streaming()).isTrue();
      assertThat(GATE.admitted(id).getFirst().streaming()).isTrue();
      JsonNode usage = last.path("usage");
      assertThat(c.promptTokens()).isEqualTo(usage.path("prompt_tokens").asInt());
      assertThat(c.completionTokens()).isEqualTo(usage.path("completion_tokens").asInt());
      if (!st.openAi()) {
        assertThat(last.path("generated_text").asText()).isEqualTo(c.text());
      }
    }
  }

  @Test
  void whenSettlingFailsTheAnswerIsWithheldAndTheRequestIsNotAbandoned() throws Exception {
    String a = newCase();
    ApiClient.Reply r =
        s.client.post(
            "/v1/completions",
            completion(s.base(), "unlucky", 4, false).toString(),
            RecordingGate.headers(a, "settle-throws"));
    JsonNode e = ApiErrorsTest.openAiError(r, 500, null, "settlement_failed");
    assertThat(e.path("message").asText()).contains("disk full writing the record");
    assertThat(r.body()).doesNotContain("choices");
    assertThat(r.header("X-Receipt-Id")).isEmpty();

    String b = newCase();
    ApiErrorsTest.tgiError(
        s.client.post(
            "/generate",
            generate("adapter-0000", "unlucky", 4).toString(),
            RecordingGate.headers(b, "settle-throws")),
        500,
        "generation");

    String c = newCase();
    ApiClient.Stream st =
        s.client.stream(
            "/v1/chat/completions",
            chat(s.base(), "unlucky", 4, true),
            RecordingGate.headers(c, "settle-throws"));
    assertThat(st.data().getLast()).isEqualTo("[DONE]");
    JsonNode last = st.events().getLast();
    assertThat(last.path("error").path("code").asText()).isEqualTo("settlement_failed");
    assertThat(st.events()).allSatisfy(ev -> assertThat(ev.has("usage")).isFalse());

    String d = newCase();
    ApiClient.Stream tgi =
        s.client.stream(
            "/generate_stream",
            generate("adapter-0000", "unlucky", 4),
            RecordingGate.headers(d, "settle-throws"));
    assertThat(tgi.events().getLast().path("error").asText()).contains("disk full");
    assertThat(tgi.events()).allSatisfy(ev -> assertThat(ev.has("receipt_id")).isFalse());

    for (String id : List.of(a, b, c, d)) {
      assertThat(GATE.settled(id)).as(id).hasSize(1);
      assertThat(GATE.abandoned(id)).as(id).isEmpty();
    }
  }

  @Test
  void aRequestThatFailsAfterAdmissionIsAbandonedOnce() throws Exception {
    String unknown = newCase();
    ApiClient.Reply r =
        s.client.post(
            "/v1/completions",
            completion(s.base() + ":no-such-adapter", "x", 3, false).toString(),
            RecordingGate.headers(unknown, "pay"));
    ApiErrorsTest.openAiError(r, 404, "model", "adapter_not_found");
    assertThat(GATE.abandoned(unknown)).hasSize(1);
    assertThat(GATE.abandoned(unknown).getFirst()).contains("no-such-adapter");
    assertThat(GATE.settled(unknown)).isEmpty();

    // A broken adapter is found while loading, before the stream's first event.
    String broken = newCase();
    ApiClient.Reply b =
        s.client.post(
            "/generate_stream",
            generate("truncated", "x", 3).toString(),
            RecordingGate.headers(broken, "pay"));
    ApiErrorsTest.tgiError(b, 400, "validation");
    assertThat(GATE.abandoned(broken)).hasSize(1);
    assertThat(GATE.settled(broken)).isEmpty();
  }

  @Test
  void aClientThatHangsUpMidStreamIsSettledOnceForWhatWasGenerated() throws Exception {
    // A prompt whose greedy answer runs to max_tokens, so the stream is still going when we leave.
    int maxTokens = 200;
    String prompt = null;
    for (int i = 0; i < 50 && prompt == null; i++) {
      if (s.direct(null, "long answer " + i, maxTokens).finishReason() == FinishReason.LENGTH) {
        prompt = "long answer " + i;
      }
    }
    assertThat(prompt).as("a prompt that does not end early").isNotNull();
    String id = newCase();
    HttpResponse<Stream<String>> live =
        s.client.openStream(
            "/v1/completions",
            completion(s.base(), prompt, maxTokens, true),
            RecordingGate.headers(id, "pay"));
    assertThat(live.statusCode()).isEqualTo(200);
    try (Stream<String> lines = live.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext() && !it.next().startsWith("data:")) {
        // the first token has been sent: the request is admitted and running
      }
    } // hang up
    for (int i = 0; i < 400 && GATE.settled(id).isEmpty(); i++) {
      Thread.sleep(25);
    }
    Thread.sleep(200); // time for a second call, if there were to be one
    assertThat(GATE.settled(id)).hasSize(1);
    assertThat(GATE.abandoned(id)).isEmpty();
    Completed c = GATE.settled(id).getFirst();
    // Cancelled by the hang-up (on a host that stalls the server, it may have finished first).
    assertThat(c.finishReason()).isIn(FinishReason.CANCELLED, FinishReason.LENGTH);
    assertThat(c.completionTokens()).isBetween(1, maxTokens);
  }
}
