package io.openledger.node.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.node.rpc.methods.EthChainId;
import io.openledger.node.rpc.methods.NetVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON-RPC framing over real HTTP and WebSocket: envelopes, batches, errors, limits. */
class RpcServerTest {
  private static final int MAX_BODY = 64 * 1024;
  private static final AtomicInteger CALLS = new AtomicInteger();
  private static RpcServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Counts its calls: a request that fails framing must not reach any method. */
  record Counter() implements JsonRpcMethod {
    @Override
    public String name() {
      return "test_count";
    }

    @Override
    public JsonRpcResponse response(JsonRpcRequest request) {
      request.params().atMost(1);
      long by = request.params().has(0) ? request.params().longQuantity(0) : 1;
      return success(request, CALLS.addAndGet((int) by));
    }
  }

  @BeforeAll
  static void start() {
    JsonRpcMethods methods =
        new JsonRpcMethods(List.of(new EthChainId(1337), new NetVersion(1337), new Counter()));
    server = RpcServer.start(new JsonRpcProcessor(methods, 5), "127.0.0.1", 0, MAX_BODY, s -> {});
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode call(String body) throws Exception {
    HttpResponse<String> r = post(body);
    assertThat(r.statusCode()).as("JSON-RPC errors are HTTP 200").isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void answersWithTheRequestIdAndVersion() throws Exception {
    JsonNode r = call("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"eth_chainId\"}");
    assertThat(r.get("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(r.get("id").asText()).isEqualTo("abc");
    assertThat(r.get("result").asText()).isEqualTo("0x539");
    assertThat(call("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"net_version\",\"params\":[]}"))
        .isEqualTo(Json.MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"1337\"}"));
  }

  @Test
  void numericIdsComeBackAsTheSameNumber() throws Exception {
    // Read as a double, 1e400 would be Infinity: clients would never match their response.
    assertThat(post("{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"eth_chainId\"}").body())
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1E+400,\"result\":\"0x539\"}");
    assertThat(post("{\"jsonrpc\":\"2.0\",\"id\":1.50,\"method\":\"eth_chainId\"}").body())
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1.50,\"result\":\"0x539\"}");
    assertThat(
            post("{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"eth_chainId\"}")
                .body())
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"result\":\"0x539\"}");
  }

  @Test
  void malformedJsonIsAParseErrorAndCallsNothing() throws Exception {
    int before = CALLS.get();
    for (String bad :
        List.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_count\"",
            "not json",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_count\"} trailing",
            "")) {
      JsonNode r = call(bad);
      assertThat(r.get("error").get("code").asInt()).as(bad).isEqualTo(-32700);
      assertThat(r.get("id").isNull()).isTrue();
    }
    assertThat(CALLS.get()).isEqualTo(before);
  }

  @Test
  void invalidRequestsAreRejected() throws Exception {
    int before = CALLS.get();
    assertThat(code(call("{\"id\":1,\"method\":\"test_count\"}"))).isEqualTo(-32600);
    assertThat(code(call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}"))).isEqualTo(-32600);
    assertThat(code(call("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"test_count\"}")))
        .isEqualTo(-32600);
    assertThat(code(call("42"))).isEqualTo(-32600);
    assertThat(code(call("[]"))).isEqualTo(-32600);
    assertThat(code(call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_count\",\"params\":{}}")))
        .isEqualTo(-32602);
    assertThat(CALLS.get()).isEqualTo(before);
  }

  @Test
  void unknownMethodUsesGethWording() throws Exception {
    JsonNode r = call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_mine\"}");
    assertThat(code(r)).isEqualTo(-32601);
    assertThat(r.get("error").get("message").asText())
        .isEqualTo("the method eth_mine does not exist/is not available");
  }

  @Test
  void invalidParamsSayWhichArgumentAndWhy() throws Exception {
    JsonNode r =
        call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_count\",\"params\":[\"12\"]}");
    assertThat(code(r)).isEqualTo(-32602);
    assertThat(r.get("error").get("message").asText())
        .isEqualTo("invalid argument 0: hex string without 0x prefix: 12");
    r = call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[1]}");
    assertThat(r.get("error").get("message").asText())
        .isEqualTo("too many arguments, want at most 0");
  }

  @Test
  void batchesAnswerEachRequestInOrderAndSkipNotifications() throws Exception {
    int before = CALLS.get();
    JsonNode r =
        call(
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"test_count\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"},"
                + "17]");
    assertThat(r.isArray()).isTrue();
    assertThat(r).hasSize(3);
    assertThat(r.get(0).get("result").asText()).isEqualTo("0x539");
    assertThat(r.get(1).get("id").asInt()).isEqualTo(2);
    assertThat(code(r.get(1))).isEqualTo(-32601);
    assertThat(code(r.get(2))).isEqualTo(-32600);
    assertThat(CALLS.get()).as("the notification ran").isEqualTo(before + 1);
  }

  @Test
  void batchOverTheLimitIsRefusedWhole() throws Exception {
    int before = CALLS.get();
    String one = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_count\"}";
    JsonNode r = call("[" + String.join(",", java.util.Collections.nCopies(6, one)) + "]");
    assertThat(code(r)).isEqualTo(-32005);
    assertThat(CALLS.get()).isEqualTo(before);
  }

  @Test
  void oversizedBodyIsRefusedBeforeParsing() throws Exception {
    int before = CALLS.get();
    String pad = "0".repeat(MAX_BODY);
    HttpResponse<String> r =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_count\",\"params\":[\"0x"
                + pad
                + "\"]}");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(CALLS.get()).isEqualTo(before);
  }

  @Test
  void webSocketSpeaksTheSameProtocol() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + server.port() + "/"),
                new WebSocket.Listener() {
                  private final StringBuilder text = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      reply.complete(text.toString());
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    ws.sendText("[{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"eth_chainId\"}]", true);
    JsonNode r = Json.MAPPER.readTree(reply.get(10, TimeUnit.SECONDS));
    assertThat(r.get(0).get("id").asInt()).isEqualTo(9);
    assertThat(r.get(0).get("result").asText()).isEqualTo("0x539");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
  }

  private static int code(JsonNode r) {
    return r.get("error").get("code").asInt();
  }
}
