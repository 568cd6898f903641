package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests for different adapters at once get the answers they would get alone, and broken adapters
 * (present from the start or appearing while serving) fail only their own requests.
 */
class IsolationTest {
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

  static ObjectNode completion(String model, String prompt) {
    ObjectNode b = ApiClient.JSON.createObjectNode();
    b.put("model", model);
    b.put("prompt", prompt);
    b.put("max_tokens", 12);
    b.put("temperature", 0);
    return b;
  }

  @Test
  void concurrentRequestsWithDifferentAdaptersGetTheirSoloAnswers() throws Exception {
    List<String> models = new ArrayList<>();
    models.add(s.base());
    TinyServer.GOOD.forEach(a -> models.add(s.base() + ":" + a));
    List<String> prompts = List.of("alpha", "bravo charlie", "delta echo foxtrot");
    Map<String, String> solo = new LinkedHashMap<>();
    for (String m : models) {
      for (String p : prompts) {
        solo.put(m + "|" + p, text(s.client.post("/v1/completions", completion(m, p))));
      }
    }
    for (int round = 0; round < 3; round++) {
      Map<String, Future<ApiClient.Reply>> answers = new LinkedHashMap<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (String m : models) {
          for (String p : prompts) {
            answers.put(
                m + "|" + p, pool.submit(() -> s.client.post("/v1/completions", completion(m, p))));
          }
        }
      }
      for (var e : answers.entrySet()) {
        ApiClient.Reply r = e.getValue().get();
        assertThat(r.status()).as(e.getKey() + " " + r).isEqualTo(200);
        assertThat(text(r)).as("round " + round + " " + e.getKey()).isEqualTo(solo.get(e.getKey()));
      }
    }
  }

  @Test
  void brokenAdaptersFailOnlyTheirOwnRequests() throws Exception {
    List<String> good = new ArrayList<>();
    good.add(s.base());
    TinyServer.GOOD.forEach(a -> good.add(s.base() + ":" + a));
    Map<String, String> solo = new LinkedHashMap<>();
    for (String m : good) {
      solo.put(m, text(s.client.post("/v1/completions", completion(m, "isolation"))));
    }
    List<String> broken = List.of("broken-json", "other-base", "truncated");
    List<Future<ApiClient.Reply>> goodAnswers = new ArrayList<>();
    List<Future<ApiClient.Reply>> brokenAnswers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 4; i++) {
        for (String b : broken) {
          brokenAnswers.add(
              pool.submit(
                  () ->
                      s.client.post(
                          "/v1/completions", completion(s.base() + ":" + b, "isolation"))));
        }
        for (String m : good) {
          goodAnswers.add(
              pool.submit(() -> s.client.post("/v1/completions", completion(m, "isolation"))));
        }
      }
    }
    for (int i = 0; i < goodAnswers.size(); i++) {
      ApiClient.Reply r = goodAnswers.get(i).get();
      String model = good.get(i % good.size());
      assertThat(r.status()).as(model + " " + r).isEqualTo(200);
      assertThat(text(r)).as(model).isEqualTo(solo.get(model));
    }
    for (Future<ApiClient.Reply> f : brokenAnswers) {
      assertThat(f.get().status()).as(f.get().toString()).isEqualTo(400);
    }
  }

  @Test
  void anAdapterDirectoryBrokenWhileServingFailsAloneAndTheServerKeepsServing() throws Exception {
    Path late = s.adapters.resolve("late-broken");
    TinyServer.copyDir(s.adapters.resolve("adapter-0002"), late);
    byte[] weights = Files.readAllBytes(late.resolve("adapter_model.safetensors"));
    // Garbage where the safetensors header length and JSON header should be.
    for (int i = 0; i < Math.min(64, weights.length); i++) {
      weights[i] = (byte) 0xEE;
    }
    Files.write(late.resolve("adapter_model.safetensors"), weights);
    ApiClient.Reply bad =
        s.client.post("/v1/completions", completion(s.base() + ":late-broken", "late"));
    assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
    assertThat(bad.json().path("error").path("message").asText()).contains("late-broken");
    ApiClient.Reply ok =
        s.client.post("/v1/completions", completion(s.base() + ":adapter-0002", "late"));
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(s.client.get("/v1/models").status()).isEqualTo(200);
    assertThat(s.client.get("/health").status()).isEqualTo(200);
  }

  private static String text(ApiClient.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().path("choices").get(0).path("text").asText();
  }
}
