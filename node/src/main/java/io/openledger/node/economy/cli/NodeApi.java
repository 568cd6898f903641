package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.node.blob.BlobClient;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * The node's HTTP API (docs/economy.md, "The node's economy API"): JSON routes, the blob store and
 * the OpenAI-compatible inference routes. An unreachable node is a {@link CliException} naming the
 * URL; a JSON error body ({@code {"error": {"code", "message"}}}, also OpenAI's shape) is read into
 * {@link Response#error()}.
 */
final class NodeApi {
  private final URI base;
  private final HttpClient http;

  NodeApi(String url) {
    URI u;
    try {
      u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw new CliException("invalid --api URL: " + url);
    }
    if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
      throw new CliException("--api must be an http:// or https:// URL, got " + url);
    }
    this.base = u;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  URI base() {
    return base;
  }

  BlobClient blobs() {
    return new BlobClient(base, http);
  }

  /** An answer: its status, its JSON body (a JSON null when it had none) and headers. */
  record Response(int status, JsonNode body, HttpHeaders headers) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** {@code "code: message"} from the error object, or the status alone. */
    String error() {
      JsonNode e = body.path("error");
      if (e.isObject()) {
        String code = e.path("code").asText(e.path("type").asText(""));
        String message = e.path("message").asText("");
        return code.isEmpty() ? message : code + ": " + message;
      }
      if (e.isTextual()) {
        return e.asText();
      }
      return "HTTP " + status;
    }
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), path);
  }

  Response post(String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return send(b, path);
  }

  /** The failure of a transport as a one-line error naming the URL. */
  CliException unreachable(IOException e) {
    if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException) {
      return new CliException(
          "cannot reach the node's API at " + base + " (is the node running? see --api)");
    }
    if (e instanceof HttpTimeoutException) {
      return new CliException("the node's API at " + base + " did not answer in time");
    }
    return new CliException("cannot talk to the node's API at " + base + ": " + e.getMessage());
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Response send(HttpRequest.Builder request, String path) {
    HttpResponse<String> r;
    try {
      r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    JsonNode body;
    try {
      body = r.body().isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      String shown = r.body().length() > 200 ? r.body().substring(0, 197) + "..." : r.body();
      throw new CliException(
          "the node's API answered "
              + path
              + " with HTTP "
              + r.statusCode()
              + " and not JSON: "
              + shown);
    }
    return new Response(r.statusCode(), body, r.headers());
  }
}
