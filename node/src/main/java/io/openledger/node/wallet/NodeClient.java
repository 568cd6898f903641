package io.openledger.node.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON-RPC client over HTTP for the CLI: talks to any Ethereum-compatible node. Transport
 * failures and JSON-RPC errors become {@link CliException}s that say what happened.
 */
public final class NodeClient {
  private final URI url;
  private final HttpClient http;
  private final AtomicLong ids = new AtomicLong();

  public NodeClient(String url) {
    try {
      this.url = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new CliException("invalid --rpc URL: " + url);
    }
    if (this.url.getScheme() == null || !this.url.getScheme().startsWith("http")) {
      throw new CliException("--rpc must be an http:// or https:// URL, got " + url);
    }
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public String url() {
    return url.toString();
  }

  /** What a node answered: a result or a JSON-RPC error. */
  public sealed interface Reply {
    record Result(JsonNode value) implements Reply {}

    record Error(int code, String message, JsonNode data) implements Reply {}
  }

  /**
   * Calls a method; params are strings, booleans, numbers or JSON nodes.
   *
   * @return the result (JSON null for "not found")
   * @throws CliException with the node's message when it answers with an error
   */
  public JsonNode call(String method, Object... params) {
    return switch (request(method, params)) {
      case Reply.Result r -> r.value();
      case Reply.Error e ->
          throw new CliException(e.message() + " (" + method + ", error " + e.code() + ")");
    };
  }

  /** Calls a method and hands back a JSON-RPC error as a value (e.g. a revert to decode). */
  public Reply request(String method, Object... params) {
    ObjectNode request = Json.MAPPER.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", ids.incrementAndGet());
    request.put("method", method);
    ArrayNode p = request.putArray("params");
    for (Object o : params) {
      p.add(Json.MAPPER.valueToTree(o));
    }
    JsonNode response = post(request);
    JsonNode error = response.get("error");
    if (error != null && !error.isNull()) {
      return new Reply.Error(
          error.path("code").asInt(),
          error.path("message").asText("unknown error"),
          error.get("data"));
    }
    if (!response.has("result")) {
      throw new CliException("the node at " + url + " sent a reply without a result");
    }
    return new Reply.Result(response.get("result"));
  }

  private JsonNode post(ObjectNode request) {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(request)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CliException(
          "cannot reach a node at " + url + " (is it running? start one with: openledger devnet)");
    } catch (HttpTimeoutException e) {
      throw new CliException("the node at " + url + " did not answer in time");
    } catch (IOException e) {
      throw new CliException("cannot talk to the node at " + url + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    if (response.statusCode() != 200) {
      throw new CliException(
          "the node at "
              + url
              + " answered HTTP "
              + response.statusCode()
              + ": "
              + response.body());
    }
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new CliException("the node at " + url + " sent malformed JSON");
    }
  }

  // ---- typed helpers ----

  public long chainId() {
    return quantity(call("eth_chainId")).longValueExact();
  }

  /** Parses a JSON-RPC hex quantity. */
  public static BigInteger quantity(JsonNode n) {
    String s = n.asText("");
    if (!s.startsWith("0x") || s.length() < 3) {
      throw new CliException("the node sent an invalid quantity: " + n);
    }
    return new BigInteger(s.substring(2), 16);
  }
}
