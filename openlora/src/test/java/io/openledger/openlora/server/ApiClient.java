package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A plain java.net.http client for the API, as an application would use it. */
final class ApiClient implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI base;

  ApiClient(URI base) {
    this.base = base;
  }

  /** A response with its body parsed as JSON (or null when it is not JSON). */
  record Reply(int status, HttpResponse<String> raw, JsonNode json) {
    Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }

    String body() {
      return raw.body();
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  Reply post(String path, String body) throws IOException, InterruptedException {
    return post(path, body, Map.of());
  }

  /** A POST with extra request headers (an API key, a signed spend). */
  Reply post(String path, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    return send(
        request(path, headers)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private HttpRequest.Builder request(String path, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json");
    headers.forEach(b::header);
    return b;
  }

  Reply post(String path, JsonNode body) throws IOException, InterruptedException {
    return post(path, body.toString());
  }

  Reply get(String path) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET().build());
  }

  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = JSON.readTree(r.body());
    } catch (IOException notJson) {
      json = null;
    }
    return new Reply(r.statusCode(), r, json);
  }

  /** A Server-Sent Events response: its status, content type and the {@code data:} payloads. */
  record Stream(int status, String contentType, List<String> data) {
    /** The payloads that are JSON objects ({@code [DONE]} excluded). */
    List<JsonNode> events() {
      List<JsonNode> out = new ArrayList<>();
      for (String d : data) {
        if (!d.equals("[DONE]")) {
          try {
            out.add(JSON.readTree(d));
          } catch (IOException e) {
            throw new AssertionError("SSE data is not JSON: " + d, e);
          }
        }
      }
      return out;
    }
  }

  Stream stream(String path, JsonNode body) throws IOException, InterruptedException {
    return stream(path, body, Map.of());
  }

  Stream stream(String path, JsonNode body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpResponse<java.util.stream.Stream<String>> r =
        http.send(
            request(path, headers)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    List<String> data = new ArrayList<>();
    try (java.util.stream.Stream<String> lines = r.body()) {
      lines
          .filter(l -> l.startsWith("data:"))
          .map(l -> l.substring("data:".length()).strip())
          .forEach(data::add);
    }
    return new Stream(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), data);
  }

  /** Opens a stream and returns the live line stream, for tests that hang up mid-way. */
  HttpResponse<java.util.stream.Stream<String>> openStream(String path, JsonNode body)
      throws IOException, InterruptedException {
    return openStream(path, body, Map.of());
  }

  HttpResponse<java.util.stream.Stream<String>> openStream(
      String path, JsonNode body, Map<String, String> headers)
      throws IOException, InterruptedException {
    return http.send(
        request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofLines());
  }

  @Override
  public void close() {
    http.close();
  }
}
