package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error a client can cause, with the status and body its client library expects: OpenAI's
 * {@code {"error":{"message","type","param","code"}}} and TGI's {@code {"error","error_type"}}.
 */
class ApiErrorsTest {
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

  static ObjectNode completion(String model) {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("model", model);
    b.put("prompt", "Hello");
    b.put("max_tokens", 4);
    b.put("temperature", 0);
    return b;
  }

  static ObjectNode generate(String adapter) {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("inputs", "Hello");
    b.putObject("parameters").put("adapter_id", adapter).put("max_new_tokens", 4);
    return b;
  }

  /** An OpenAI-style error: status, and the four fields with the given param and code. */
  static JsonNode openAiError(ApiClient.Reply r, int status, String param, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type").orElse("")).startsWith("application/json");
    JsonNode e = r.json().path("error");
    assertThat(e.isObject()).as(r.toString()).isTrue();
    assertThat(e.path("message").asText()).isNotBlank();
    assertThat(e.path("type").asText()).isNotBlank();
    assertThat(e.has("param")).isTrue();
    assertThat(e.has("code")).isTrue();
    if (param != null) {
      assertThat(e.path("param").asText()).as(r.toString()).isEqualTo(param);
    }
    if (code != null) {
      assertThat(e.path("code").asText()).as(r.toString()).isEqualTo(code);
    }
    return e;
  }

  /** A TGI-style error: status, {@code error} message and {@code error_type}. */
  static JsonNode tgiError(ApiClient.Reply r, int status, String type) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.json().path("error").isTextual()).as(r.toString()).isTrue();
    assertThat(r.json().path("error").asText()).isNotBlank();
    assertThat(r.json().path("error_type").asText()).as(r.toString()).isEqualTo(type);
    return r.json();
  }

  @Test
  void unknownAdapterIs404() throws Exception {
    JsonNode e =
        openAiError(
            s.client.post("/v1/completions", completion(s.base() + ":no-such-adapter")),
            404,
            "model",
            "adapter_not_found");
    assertThat(e.path("message").asText()).contains("no-such-adapter");
    tgiError(s.client.post("/generate", generate("no-such-adapter")), 404, "not_found");
    tgiError(s.client.post("/generate_stream", generate("no-such-adapter")), 404, "not_found");
    openAiError(
        s.client.get("/v1/models/" + s.base() + ":no-such-adapter"),
        404,
        "model",
        "adapter_not_found");
  }

  @Test
  void adapterIdsThatArePathsNeverReachOutsideTheAdapterDirectory() throws Exception {
    // ../tiny-llama is the base model's own directory, a real directory next to the adapters.
    for (String id :
        new String[] {"../adapters/adapter-0000", "..", "../tiny-llama", "adapter-0000/", "/tmp"}) {
      ApiClient.Reply r = s.client.post("/v1/completions", completion(s.base() + ":" + id));
      assertThat(r.status()).as(id + " " + r).isIn(400, 404);
      ApiClient.Reply t = s.client.post("/generate", generate(id));
      assertThat(t.status()).as(id + " " + t).isIn(400, 404);
    }
  }

  @Test
  void unknownBaseModelIs404() throws Exception {
    JsonNode e =
        openAiError(
            s.client.post("/v1/completions", completion("gpt-4:adapter-0000")),
            404,
            "model",
            "model_not_found");
    assertThat(e.path("message").asText()).contains("gpt-4");
  }

  @Test
  void adapterForAnotherBaseIs400SayingWhatIsWrong() throws Exception {
    JsonNode e =
        openAiError(
            s.client.post("/v1/completions", completion(s.base() + ":other-base")),
            400,
            "model",
            "adapter_invalid");
    assertThat(e.path("message").asText()).contains("other-base");
    JsonNode t = tgiError(s.client.post("/generate", generate("other-base")), 400, "validation");
    assertThat(t.path("error").asText()).contains("other-base");
  }

  @Test
  void malformedAdaptersAre400() throws Exception {
    for (String broken : new String[] {"broken-json", "truncated"}) {
      JsonNode e =
          openAiError(
              s.client.post("/v1/completions", completion(s.base() + ":" + broken)),
              400,
              "model",
              "adapter_invalid");
      assertThat(e.path("message").asText()).as(broken).contains(broken);
      tgiError(s.client.post("/generate", generate(broken)), 400, "validation");
      // A stream is refused with the same status before any event is sent.
      ObjectNode streamed = completion(s.base() + ":" + broken).put("stream", true);
      ApiClient.Stream st = s.client.stream("/v1/completions", streamed);
      assertThat(st.status()).as(broken).isEqualTo(400);
    }
  }

  @Test
  void badSamplingParametersAre400NamingTheParameter() throws Exception {
    Object[][] cases = {
      {"temperature", -0.5},
      {"top_p", 0.0},
      {"top_p", 1.5},
      {"max_tokens", 0},
      {"max_tokens", -3},
      {"max_tokens", 1_000_000},
      {"n", 2},
    };
    for (Object[] c : cases) {
      ObjectNode b = completion(s.base());
      b.set((String) c[0], ApiClient.JSON.valueToTree(c[1]));
      JsonNode e =
          openAiError(s.client.post("/v1/completions", b), 400, (String) c[0], "invalid_parameter");
      assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
    }
  }

  @Test
  void maxTokensBeyondTheContextSaysHowManyTokensWereAskedFor() throws Exception {
    ObjectNode b = completion(s.base());
    int context = s.engine.model().contextLength();
    b.put("max_tokens", context);
    JsonNode e = openAiError(s.client.post("/v1/completions", b), 400, "max_tokens", null);
    assertThat(e.path("message").asText()).contains(Integer.toString(context));
  }

  @Test
  void fieldsOfTheWrongTypeAre400() throws Exception {
    Object[][] cases = {
      {"temperature", "hot"},
      {"max_tokens", "ten"},
      {"max_tokens", 2.5},
      {"stream", "yes"},
      {"stop", 7},
      {"model", 42},
      {"seed", "s"},
    };
    for (Object[] c : cases) {
      ObjectNode b = completion(s.base());
      b.set((String) c[0], ApiClient.JSON.valueToTree(c[1]));
      JsonNode e = openAiError(s.client.post("/v1/completions", b), 400, (String) c[0], null);
      assertThat(e.path("message").asText()).as(c[0] + "").contains((String) c[0]);
    }
    ObjectNode chat = ApiClient.JSON.createObjectNode();
    chat.put("model", s.base());
    chat.put("messages", "hello");
    openAiError(s.client.post("/v1/chat/completions", chat), 400, "messages", null);
    chat.putArray("messages").addObject().put("role", "robot").put("content", "hi");
    openAiError(s.client.post("/v1/chat/completions", chat), 400, "messages[0].role", null);
  }

  @Test
  void toolCallingIsRefusedRatherThanDroppedFromThePrompt() throws Exception {
    ObjectNode chat = ApiClient.JSON.createObjectNode();
    chat.put("model", s.base());
    chat.putArray("messages").addObject().put("role", "user").put("content", "hi");
    chat.putArray("tools").addObject().put("type", "function");
    JsonNode e = openAiError(s.client.post("/v1/chat/completions", chat), 400, "tools", null);
    assertThat(e.path("message").asText()).contains("tools is not supported");
  }

  @Test
  void missingFieldsAre400() throws Exception {
    ObjectNode noModel = completion(s.base());
    noModel.remove("model");
    openAiError(s.client.post("/v1/completions", noModel), 400, "model", null);
    ObjectNode noPrompt = completion(s.base());
    noPrompt.remove("prompt");
    openAiError(s.client.post("/v1/completions", noPrompt), 400, "prompt", null);
    ObjectNode noMessages = ApiClient.JSON.createObjectNode().put("model", s.base());
    openAiError(s.client.post("/v1/chat/completions", noMessages), 400, "messages", null);
    ObjectNode noInputs = ApiClient.JSON.createObjectNode();
    noInputs.putObject("parameters");
    tgiError(s.client.post("/generate", noInputs), 400, "validation");
  }

  @Test
  void malformedJsonIs400() throws Exception {
    for (String body : new String[] {"{", "", "[1,2]", "\"text\"", "{\"model\": 1} trailing"}) {
      openAiError(s.client.post("/v1/completions", body), 400, null, "malformed_json");
      tgiError(s.client.post("/generate", body), 400, "validation");
    }
  }

  @Test
  void badGenerateParametersAre400InTgiShape() throws Exception {
    Object[][] cases = {
      {"temperature", -1},
      {"top_p", 0},
      {"top_p", 2},
      {"max_new_tokens", 0},
      {"max_new_tokens", "many"},
      {"details", "yes"},
      {"repetition_penalty", 1.3},
    };
    for (Object[] c : cases) {
      ObjectNode b = generate("adapter-0000");
      ((ObjectNode) b.path("parameters")).set((String) c[0], ApiClient.JSON.valueToTree(c[1]));
      JsonNode e = tgiError(s.client.post("/generate", b), 400, "validation");
      assertThat(e.path("error").asText()).as(c[0] + "").contains((String) c[0]);
    }
  }

  @Test
  void unknownRoutesAndMethodsAnswerInJson() throws Exception {
    ApiClient.Reply r = s.client.post("/v1/embeddings", "{}");
    assertThat(r.status()).isIn(404, 405);
    assertThat(r.json().path("error").path("message").asText()).isNotBlank();
  }

  @Test
  void errorsLeaveTheServerServing() throws Exception {
    s.client.post("/v1/completions", "{");
    s.client.post("/v1/completions", completion(s.base() + ":broken-json"));
    ApiClient.Reply ok = s.client.post("/v1/completions", completion(s.base() + ":adapter-0000"));
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(s.client.get("/health").status()).isEqualTo(200);
  }
}
