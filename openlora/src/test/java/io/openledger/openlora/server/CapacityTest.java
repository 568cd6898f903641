package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.openlora.engine.GenerationResult;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose engine runs one sequence and queues none: while one long answer streams, another
 * request is refused with 503 and Retry-After, and once the first client hangs up the server
 * answers again.
 */
class CapacityTest {
  @TempDir static Path dir;
  static TinyServer s;

  @BeforeAll
  static void start() {
    s = TinyServer.start(dir, c -> c.withMaxBatchSize(1).withMaxQueuedRequests(0));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void overCapacityIs503WithRetryAfter() throws Exception {
    // A prompt whose greedy answer runs to max_tokens without an end-of-sequence token, so the
    // first request is certain to hold the only slot for all of its tokens.
    int maxTokens = 200;
    String prompt = null;
    for (int i = 0; i < 50 && prompt == null; i++) {
      GenerationResult r = s.direct(null, "long answer " + i, maxTokens);
      if (r.finishReason() == GenerationResult.FinishReason.LENGTH) {
        prompt = "long answer " + i;
      }
    }
    assertThat(prompt).as("a prompt that does not end early").isNotNull();
    ObjectNode small = ApiClient.JSON.createObjectNode();
    small.put("model", s.base());
    small.put("prompt", "squeeze in");
    small.put("max_tokens", 2);
    ObjectNode smallTgi = ApiClient.JSON.createObjectNode();
    smallTgi.put("inputs", "squeeze in");

    ApiClient.Reply refused = null;
    ApiClient.Reply refusedTgi = null;
    // The long stream occupies the slot from its first token until its last; a request sent in
    // between is refused. (Retried in case the host stalls the client past the stream's end.)
    for (int attempt = 0; attempt < 5 && (refused == null || refusedTgi == null); attempt++) {
      ObjectNode longOne = ApiClient.JSON.createObjectNode();
      longOne.put("model", s.base());
      longOne.put("prompt", prompt);
      longOne.put("max_tokens", maxTokens);
      longOne.put("temperature", 0);
      longOne.put("stream", true);
      HttpResponse<Stream<String>> live = s.client.openStream("/v1/completions", longOne);
      try (Stream<String> lines = live.body()) {
        Iterator<String> it = lines.iterator();
        while (it.hasNext() && !it.next().startsWith("data:")) {
          // wait for the first token: the long request now holds the slot
        }
        ApiClient.Reply r = s.client.post("/v1/completions", small);
        if (r.status() == 503) {
          refused = r;
        }
        ApiClient.Reply t = s.client.post("/generate", smallTgi);
        if (t.status() == 503) {
          refusedTgi = t;
        }
      } // hanging up cancels the long generation
    }
    assertThat(refused).as("a request refused while the slot was held").isNotNull();
    ApiErrorsTest.openAiError(refused, 503, null, "over_capacity");
    assertThat(Integer.parseInt(refused.header("Retry-After").orElseThrow())).isPositive();
    assertThat(refusedTgi).isNotNull();
    ApiErrorsTest.tgiError(refusedTgi, 503, "overloaded");
    assertThat(refusedTgi.header("Retry-After")).isPresent();

    // After the hang-up the slot frees (at the latest when the long answer's tokens run out).
    ApiClient.Reply after = null;
    for (int i = 0; i < 200 && (after == null || after.status() != 200); i++) {
      after = s.client.post("/v1/completions", small);
      if (after.status() != 200) {
        Thread.sleep(50);
      }
    }
    assertThat(after.status()).as(after.toString()).isEqualTo(200);
  }
}
