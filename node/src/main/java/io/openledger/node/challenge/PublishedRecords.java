package io.openledger.node.challenge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.types.Bytes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an operator's published records from the endpoint it set on the staking module: {@code GET
 * {url}/v1/records?from=N&limit=M} (docs/economy-api.md), over plain HTTP.
 */
public interface PublishedRecords {

  /** A record as published: the signed record and the output its {@code outputHash} commits to. */
  record Published(InferenceRecord record, String output) {}

  /**
   * Records {@code from .. from+limit-1} (fewer when the operator has fewer).
   *
   * @throws IOException when the endpoint cannot be reached or answers something else than records
   */
  List<Published> fetch(String url, long from, int limit) throws IOException, InterruptedException;

  /** The HTTP client: 10 s to connect, 30 s per page. */
  static PublishedRecords http() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    ObjectMapper json = new ObjectMapper();
    return (url, from, limit) -> {
      URI uri = URI.create(url + "/v1/records?from=" + from + "&limit=" + limit);
      HttpResponse<byte[]> r =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IOException("GET " + uri + " answered HTTP " + r.statusCode());
      }
      JsonNode page;
      try {
        page = json.readTree(r.body());
      } catch (IOException e) {
        throw new IOException("GET " + uri + " answered no JSON: " + e.getMessage(), e);
      }
      JsonNode records = page.path("records");
      if (!records.isArray()) {
        throw new IOException("GET " + uri + " answered no records array");
      }
      List<Published> out = new ArrayList<>();
      for (JsonNode n : records) {
        try {
          InferenceRecord record =
              InferenceRecord.decode(Bytes.fromHex(n.path("record").path("encoded").asText()));
          if (!n.path("output").isTextual()) {
            throw new IllegalArgumentException("no output text");
          }
          out.add(new Published(record, n.get("output").asText()));
        } catch (RuntimeException e) {
          throw new IOException("GET " + uri + ": a record does not decode: " + e.getMessage(), e);
        }
      }
      return out;
    };
  }
}
