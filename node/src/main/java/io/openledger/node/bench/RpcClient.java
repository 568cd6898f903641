package io.openledger.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal JSON-RPC client over {@link HttpClient} for the benchmark: batches of raw transactions
 * and the few reads the block watcher needs. One instance is shared by all client threads.
 */
final class RpcClient {
  private final HttpClient http;
  private final URI uri;

  RpcClient(String url) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.uri = URI.create(url);
  }

  /** The node's JSON-RPC URL. */
  String url() {
    return uri.toString();
  }

  /** One answer of a batch: the result text, or the error message. */
  record Answer(String result, String error) {}

  /**
   * Sends {@code eth_sendRawTransaction} for each encoding (already {@code 0x} hex) in one batch
   * request; answers in request order.
   */
  List<Answer> sendRawBatch(List<String> rawHex) throws IOException, InterruptedException {
    ArrayNode batch = Json.MAPPER.createArrayNode();
    for (int i = 0; i < rawHex.size(); i++) {
      batch.add(request(i, "eth_sendRawTransaction", List.of(rawHex.get(i))));
    }
    JsonNode reply = post(batch);
    Answer[] out = new Answer[rawHex.size()];
    if (!reply.isArray()) {
      throw new IOException("batch answered with " + abbreviate(reply.toString()));
    }
    for (JsonNode r : reply) {
      int id = r.path("id").asInt(-1);
      if (id < 0 || id >= out.length) {
        throw new IOException("answer with unknown id: " + abbreviate(r.toString()));
      }
      JsonNode error = r.get("error");
      out[id] =
          error != null
              ? new Answer(null, error.path("message").asText("?"))
              : new Answer(r.path("result").asText(), null);
    }
    List<Answer> answers = new ArrayList<>(out.length);
    for (Answer a : out) {
      answers.add(a == null ? new Answer(null, "no answer") : a);
    }
    return answers;
  }

  /**
   * Calls one method with positional parameters (strings, numbers, booleans); returns {@code
   * result}, or throws with the error message.
   */
  JsonNode call(String method, Object... params) throws IOException, InterruptedException {
    JsonNode reply = post(request(1, method, List.of(params)));
    JsonNode error = reply.get("error");
    if (error != null) {
      throw new IOException(method + ": " + error.path("message").asText());
    }
    return reply.path("result");
  }

  private static ObjectNode request(int id, String method, List<Object> params) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("jsonrpc", "2.0");
    r.put("id", id);
    r.put("method", method);
    r.set("params", Json.MAPPER.valueToTree(params));
    return r;
  }

  private JsonNode post(JsonNode body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)))
            .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + " from " + uri);
    }
    return Json.MAPPER.readTree(response.body());
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }
}
