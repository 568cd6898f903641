package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.testmodel.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoints an embedding application mounts next to the API: served on the same port, counted in
 * /metrics, their errors in the API's shape, and never in place of a built-in route.
 */
class ExtensionRoutesTest {
  @TempDir static Path dir;
  static TinyServer s;

  @BeforeAll
  static void start() {
    ServerExtensions ext =
        ServerExtensions.none()
            .withRoute(
                HandlerType.GET,
                "/v1/receipts/{id}",
                ctx -> {
                  String id = ctx.pathParam("id");
                  if (!id.equals("0x01")) {
                    throw ApiError.ofStatus(404, "receipt_not_found", "no receipt " + id)
                        .toException();
                  }
                  ctx.contentType("application/json").result("{\"receipt\":\"" + id + "\"}");
                })
            .withRoute(
                HandlerType.POST,
                "/v1/blobs",
                ctx -> ctx.result(Integer.toString(ctx.bodyAsBytes().length)))
            .withRoute(
                HandlerType.POST,
                "/v1/economy/closed",
                ctx -> {
                  throw new ForbiddenResponse("uploads are closed on this node");
                })
            .withRoute(
                HandlerType.GET,
                "/v1/economy/boom",
                ctx -> {
                  throw new IllegalStateException("a bug in the node");
                });
    s = TinyServer.start(dir, c -> c, ext);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void extensionRoutesAreServedNextToTheApi() throws Exception {
    ApiClient.Reply r = s.client.get("/v1/receipts/0x01");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("receipt").asText()).isEqualTo("0x01");
    ApiClient.Reply up = s.client.post("/v1/blobs", "hello blob");
    assertThat(up.status()).isEqualTo(200);
    assertThat(up.body()).isEqualTo("10");
    // the API itself is untouched
    assertThat(s.client.get("/health").status()).isEqualTo(200);
    assertThat(
            s.client.post("/v1/completions", OpenAiApiTest.completion(s.base(), "Hi", 2)).status())
        .isEqualTo(200);
  }

  @Test
  void extensionErrorsHaveTheApisShape() throws Exception {
    assertMessage(
        ApiErrorsTest.openAiError(
            s.client.get("/v1/receipts/0x02"), 404, null, "receipt_not_found"),
        "no receipt 0x02");
    assertMessage(
        ApiErrorsTest.openAiError(
            s.client.post("/v1/economy/closed", "{}"), 403, null, "forbidden"),
        "uploads are closed on this node");
    assertThat(
            ApiErrorsTest.openAiError(s.client.get("/v1/economy/boom"), 500, null, "internal_error")
                .path("message")
                .asText())
        .contains("a bug in the node");
  }

  private static void assertMessage(com.fasterxml.jackson.databind.JsonNode error, String message) {
    assertThat(error.path("message").asText()).isEqualTo(message);
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    String tooBig = "x".repeat((4 << 20) + 1);
    ApiErrorsTest.openAiError(s.client.post("/v1/blobs", tooBig), 413, null, "request_too_large");
    ApiErrorsTest.openAiError(
        s.client.post("/v1/completions", tooBig), 413, null, "request_too_large");
    ApiErrorsTest.tgiError(s.client.post("/generate", tooBig), 413, "validation");
  }

  @Test
  void extensionRoutesAreCountedByTheirTemplate() throws Exception {
    s.client.get("/v1/receipts/0x01");
    s.client.get("/v1/receipts/0x03");
    String metrics = s.client.get("/metrics").body();
    assertThat(metrics)
        .contains("openlora_http_requests_total{route=\"/v1/receipts/{id}\",status=\"200\"}")
        .contains("openlora_http_requests_total{route=\"/v1/receipts/{id}\",status=\"404\"}")
        .doesNotContain("/v1/receipts/0x03");
  }

  @Test
  void aRouteAlreadyServedIsRefusedAtStart() {
    try (InferenceEngine engine = InferenceEngine.open(EngineConfig.of(Fixtures.tinyModel()))) {
      assertThatThrownBy(
              () ->
                  OpenLoraServer.start(
                      engine,
                      ServerConfig.loopbackEphemeral(),
                      ServerExtensions.none()
                          .withRoute(HandlerType.POST, "/v1/completions", ctx -> {})))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("POST /v1/completions is already served");
      assertThatThrownBy(
              () ->
                  OpenLoraServer.start(
                      engine,
                      ServerConfig.loopbackEphemeral(),
                      ServerExtensions.none()
                          .withRoute(HandlerType.GET, "/v1/x", ctx -> {})
                          .withRoute(HandlerType.GET, "/v1/x", ctx -> {})))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("GET /v1/x");
    }
    assertThatThrownBy(() -> new ExtensionRoute(HandlerType.GET, "v1/x", ctx -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("starts with '/'");
  }
}
