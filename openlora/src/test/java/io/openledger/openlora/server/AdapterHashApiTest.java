package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.openlora.adapter.AdapterBundle;
import io.openledger.openlora.engine.BundleResolver;
import io.openledger.openlora.engine.GenerationResult;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapters named by their on-chain hash ({@code base:0x<keccak-256>}), found through the node's
 * {@link BundleResolver}, serve the same answers as the directories they were bundled from, and the
 * gate sees the hash as the adapter id.
 */
class AdapterHashApiTest {
  @TempDir static Path dir;
  static TinyServer s;
  static final RecordingGate GATE = new RecordingGate();

  /** The node's blob store, as far as the server can tell: adapter hash to bundle file. */
  static final Map<String, Path> BLOBS = new ConcurrentHashMap<>();

  /** The resolver vouches for the keccak; the test's hashes are arbitrary 32-byte values. */
  static final String HASH = "0x" + "1f".repeat(32);

  @BeforeAll
  static void start() throws Exception {
    BundleResolver resolver =
        h -> {
          if (h.equals("0x" + "ee".repeat(32))) {
            throw new IllegalStateException("blob store offline");
          }
          return Optional.ofNullable(BLOBS.get(h));
        };
    s =
        TinyServer.start(
            dir, c -> c.withBundleResolver(resolver), ServerExtensions.none().withGate(GATE));
    Path bundle = dir.resolve("bundle-adapter-0001");
    try (OutputStream out = Files.newOutputStream(bundle)) {
      AdapterBundle.write(s.adapters.resolve("adapter-0001"), out);
    }
    BLOBS.put(HASH, bundle);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void anAdapterHashServesTheBundledAdapter() throws Exception {
    GenerationResult direct = s.direct("adapter-0001", "The ledger pays", 8);
    ApiClient.Reply r =
        s.client.post(
            "/v1/completions",
            OpenAiApiTest.completion(s.base() + ":" + HASH, "The ledger pays", 8).toString(),
            RecordingGate.headers("hash-openai", "pay"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("model").asText()).isEqualTo(s.base() + ":" + HASH);
    assertThat(r.json().path("choices").get(0).path("text").asText()).isEqualTo(direct.text());
    assertThat(GATE.admitted("hash-openai").getFirst().adapterIds()).containsExactly(HASH);
    assertThat(GATE.settled("hash-openai").getFirst().adapterIds()).containsExactly(HASH);

    ObjectNode g = ApiClient.JSON.createObjectNode();
    g.put("inputs", "The ledger pays");
    g.putObject("parameters").put("adapter_id", HASH).put("max_new_tokens", 8);
    ApiClient.Reply t =
        s.client.post("/generate", g.toString(), RecordingGate.headers("hash-lorax", "pay"));
    assertThat(t.status()).as(t.toString()).isEqualTo(200);
    assertThat(t.json().path("generated_text").asText()).isEqualTo(direct.text());

    ApiClient.Reply m = s.client.get("/v1/models/" + s.base() + ":" + HASH);
    assertThat(m.status()).as(m.toString()).isEqualTo(200);
    assertThat(s.client.get("/v1/models").body()).contains(HASH);
  }

  @Test
  void anUnknownHashIs404AndAMalformedOne400() throws Exception {
    ApiClient.Reply r =
        s.client.post(
            "/v1/completions",
            OpenAiApiTest.completion(s.base() + ":0x" + "00".repeat(32), "x", 2).toString(),
            RecordingGate.headers("hash-unknown", "pay"));
    ApiErrorsTest.openAiError(r, 404, "model", "adapter_not_found");
    assertThat(GATE.abandoned("hash-unknown")).hasSize(1);

    ApiClient.Reply upper =
        s.client.post(
            "/v1/completions",
            OpenAiApiTest.completion(
                    s.base() + ":" + HASH.toUpperCase().replace("0X", "0x"), "x", 2)
                .toString(),
            RecordingGate.headers("hash-upper", "pay"));
    assertThat(ApiErrorsTest.openAiError(upper, 400, "model", "adapter_invalid").toString())
        .contains("lowercase");
  }

  @Test
  void aFailingBlobStoreIs500AndNotRemembered() throws Exception {
    String broken = "0x" + "ee".repeat(32);
    ApiClient.Reply r =
        s.client.post(
            "/v1/completions",
            OpenAiApiTest.completion(s.base() + ":" + broken, "x", 2).toString(),
            RecordingGate.headers("hash-store-down", "pay"));
    assertThat(ApiErrorsTest.openAiError(r, 500, null, "internal_error").path("message").asText())
        .contains("blob store offline");
    assertThat(GATE.abandoned("hash-store-down")).hasSize(1);
  }
}
