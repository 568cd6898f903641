package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics in Prometheus text format and /health. */
class MetricsAndHealthTest {
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

  @Test
  void metricsCountWhatWasServed() throws Exception {
    long generated = 0;
    for (String a : TinyServer.GOOD) {
      ObjectNode b = ApiClient.JSON.createObjectNode();
      b.put("model", s.base() + ":" + a);
      b.put("prompt", "count me");
      b.put("max_tokens", 7);
      ApiClient.Reply r = s.client.post("/v1/completions", b);
      assertThat(r.status()).isEqualTo(200);
      generated += r.json().path("usage").path("completion_tokens").asLong();
    }
    // The same adapter again: now a warm hit.
    ObjectNode again = ApiClient.JSON.createObjectNode();
    again.put("model", s.base() + ":adapter-0000");
    again.put("prompt", "count me again");
    again.put("max_tokens", 3);
    generated +=
        s.client
            .post("/v1/completions", again)
            .json()
            .path("usage")
            .path("completion_tokens")
            .asLong();

    ApiClient.Reply m = s.client.get("/metrics");
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.header("Content-Type").orElse("")).startsWith("text/plain");
    String text = m.body();
    for (String family :
        new String[] {
          "openlora_tokens_per_second",
          "openlora_time_to_first_token_seconds",
          "openlora_adapter_load_seconds",
          "openlora_adapter_cache_hits_total",
          "openlora_adapter_bytes_resident",
          "openlora_base_bytes_resident",
          "openlora_http_requests_total",
        }) {
      assertThat(text).contains("# TYPE " + family + " ");
    }
    assertThat(value(text, "openlora_completion_tokens_total")).isGreaterThanOrEqualTo(generated);
    assertThat(value(text, "openlora_time_to_first_token_seconds_count")).isGreaterThanOrEqualTo(4);
    assertThat(value(text, "openlora_adapter_load_seconds_count")).isGreaterThanOrEqualTo(3);
    assertThat(value(text, "openlora_adapter_cache_hits_total{tier=\"warm\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(text, "openlora_adapter_bytes_resident")).isPositive();
    assertThat(value(text, "openlora_base_bytes_resident")).isPositive();
    assertThat(
            value(text, "openlora_http_requests_total{route=\"/v1/completions\",status=\"200\"}"))
        .isGreaterThanOrEqualTo(4);
    // Every sample line is "name{labels} value".
    for (String line : text.split("\n")) {
      if (!line.startsWith("#")) {
        assertThat(line).matches("[a-z_]+(\\{[^}]*\\})? [-+0-9.eE]+|[a-z_]+(\\{[^}]*\\})? NaN");
      }
    }
  }

  @Test
  void healthSaysOkWithTheModel() throws Exception {
    ApiClient.Reply h = s.client.get("/health");
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.json().path("status").asText()).isEqualTo("ok");
    assertThat(h.json().path("model").asText()).isEqualTo(s.base());
  }

  private static double value(String text, String sample) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    assertThat(m.find()).as(sample + " in\n" + text).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
