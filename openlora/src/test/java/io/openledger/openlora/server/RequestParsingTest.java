package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pure parts of request handling: model names, typed fields, receipt ids. */
class RequestParsingTest {
  @Test
  void modelNames() {
    assertThat(ModelName.resolve("model", "tiny", "tiny")).isEqualTo(new AdapterChoice.Base());
    assertThat(ModelName.resolve("model", "tiny:a-1", "tiny"))
        .isEqualTo(new AdapterChoice.Single("a-1"));
    assertThat(ModelName.resolve("model", "a-1", "tiny"))
        .isEqualTo(new AdapterChoice.Single("a-1"));
    String blob = "sha256:" + "ab".repeat(32);
    assertThat(ModelName.resolve("model", blob, "tiny")).isEqualTo(new AdapterChoice.Single(blob));
    assertThat(ModelName.resolve("model", "tiny:" + blob, "tiny"))
        .isEqualTo(new AdapterChoice.Single(blob));
    String hash = "0x" + "c0ffee00".repeat(8);
    assertThat(ModelName.resolve("model", "tiny:" + hash, "tiny"))
        .isEqualTo(new AdapterChoice.Single(hash));
    assertThat(ModelName.resolve("model", hash, "tiny")).isEqualTo(new AdapterChoice.Single(hash));
    assertThat(ModelName.of("tiny", new AdapterChoice.Single(hash))).isEqualTo("tiny:" + hash);
    assertThatThrownBy(() -> ModelName.resolve("model", "llama-3:a", "tiny"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error().status()).isEqualTo(404));
    assertThatThrownBy(() -> ModelName.resolve("model", "tiny:", "tiny"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error().status()).isEqualTo(400));
    assertThatThrownBy(() -> ModelName.resolve("model", " ", "tiny"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error().status()).isEqualTo(400));
  }

  @Test
  void fieldsAreReadWithTheirTypesChecked() {
    JsonBody b =
        JsonBody.parse(
            "{\"s\":\"x\",\"i\":16.0,\"f\":0.5,\"b\":true,\"l\":[\"a\",\"b\"],\"o\":{\"k\":1}}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(b.string("s")).contains("x");
    assertThat(b.integer("i")).contains(16L);
    assertThat(b.number("f")).contains(0.5);
    assertThat(b.bool("b")).contains(true);
    assertThat(b.stringOrStrings("l")).contains(List.of("a", "b"));
    assertThat(b.stringOrStrings("s")).contains(List.of("x"));
    assertThat(b.object("o").orElseThrow().integer("k")).contains(1L);
    assertThat(b.string("missing")).isEmpty();
    assertThatThrownBy(() -> b.integer("f"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error().param()).isEqualTo("f"));
    assertThatThrownBy(() -> b.object("o").orElseThrow().string("k"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error().param()).isEqualTo("o.k"));
    assertThatThrownBy(() -> JsonBody.parse("{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error().code()).isEqualTo("malformed_json"));
  }

  @Test
  void receiptIdsAreStableAndSeparateTheirFields() {
    SplittableRandom rnd = new SplittableRandom(42);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      int[] tokens = rnd.ints(rnd.nextInt(1, 8), 0, 512).toArray();
      String text = Integer.toString(rnd.nextInt(), 36);
      String a = new ReceiptId().add("prompt", tokens).add("text", text).hex();
      String b = new ReceiptId().add("prompt", tokens).add("text", text).hex();
      assertThat(a).as("case %d", i).isEqualTo(b).matches("[0-9a-f]{64}");
      seen.add(a + "|" + java.util.Arrays.toString(tokens) + "|" + text);
    }
    // "ab"+"c" and "a"+"bc" are different requests.
    assertThat(new ReceiptId().add("x", "ab").add("y", "c").hex())
        .isNotEqualTo(new ReceiptId().add("x", "a").add("y", "bc").hex());
    assertThat(new ReceiptId().add("p", new int[] {1, 2}).hex())
        .isNotEqualTo(new ReceiptId().add("p", new int[] {1}).add("p", new int[] {2}).hex());
    long distinctIds = seen.stream().map(s -> s.substring(0, 64)).distinct().count();
    assertThat(distinctIds).isEqualTo(seen.size());
  }

  @Test
  void prometheusLabelsAreEscaped() {
    assertThat(PrometheusText.label("route", "a\"b\\c\nd")).isEqualTo("route=\"a\\\"b\\\\c\\nd\"");
    String t = new PrometheusText().gauge("x_bytes", "help", 1.5).toString();
    assertThat(t).isEqualTo("# HELP x_bytes help\n# TYPE x_bytes gauge\nx_bytes 1.5\n");
  }
}
