package io.openledger.openlora.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.openlora.adapter.AdapterManifest;
import io.openledger.openlora.adapter.AdapterReader;
import io.openledger.openlora.adapter.AdapterSource;
import io.openledger.openlora.kernels.KernelPool;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole model path against an independent reference: small seeded models of every claimed
 * architecture and config form (transformers 4 rope_scaling, transformers 5 rope_parameters;
 * llama3, linear, dynamic and yarn RoPE; Qwen2 biases; Mistral and Qwen2 sliding windows) and PEFT
 * adapters with random non-zero B (rank/alpha patterns, rsLoRA, regex targets, layers_to_transform,
 * exclude_modules), with the logits transformers and PEFT computed for every position of one token
 * sequence. Written by src/test/python/reference_models.py; compared here to 1e-4.
 */
class ReferenceModelsTest {
  static final double TOLERANCE = 1e-4;
  static Path root;
  static JsonNode cases;
  static KernelPool pool;

  @BeforeAll
  static void read() throws IOException, URISyntaxException {
    Path file = Path.of(ReferenceModelsTest.class.getResource("/reference/models.json").toURI());
    root = file.getParent();
    cases = new ObjectMapper().readTree(file.toFile());
    pool = new KernelPool(2);
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  static Stream<Arguments> models() throws IOException, URISyntaxException {
    read();
    List<Arguments> out = new ArrayList<>();
    cases.get("models").forEach(m -> out.add(Arguments.of(m.get("name").asText(), m)));
    return out.stream();
  }

  static Stream<Arguments> adapters() throws IOException, URISyntaxException {
    read();
    List<Arguments> out = new ArrayList<>();
    cases.get("adapters").forEach(a -> out.add(Arguments.of(a.get("name").asText(), a)));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void baseModelLogitsMatchTransformers(String name, JsonNode expected) {
    try (LlamaModel model = LlamaModel.load(root.resolve("models").resolve(name), false)) {
      assertThat(model.config().unknownKeys()).isEmpty();
      compare(model, null, expected.get("logits"), name);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void adapterLogitsMatchPeft(String name, JsonNode expected) {
    String base = expected.get("model").asText();
    try (LlamaModel model = LlamaModel.load(root.resolve("models").resolve(base), false)) {
      AdapterReader reader = new AdapterReader(model.config(), Set.of(base), true);
      AdapterManifest m =
          reader.inspect(name, new AdapterSource.Directory(root.resolve("adapters").resolve(name)));
      assertThat(m.warnings()).isEmpty();
      compare(model, reader.load(m), expected.get("logits"), name);
    }
  }

  /** Decodes the sequence one token per step (KV cache) and also prefills it in one step. */
  private static void compare(LlamaModel model, LoraWeights adapter, JsonNode logits, String what) {
    int[] tokens = tokens();
    int vocab = model.config().vocabSize();
    ForwardPass pass = new ForwardPass(model, pool, 32, 32);
    KvCache cache = new KvCache(model.config(), tokens.length);
    Batch b = new Batch(32, 4);
    float[] got = new float[vocab];
    for (int p = 0; p < tokens.length; p++) {
      b.clear();
      b.addRow(tokens[p], p, cache, true);
      if (adapter != null) {
        b.addSegment(0, 1, adapter, 1.0);
      }
      pass.forward(b);
      pass.logitsOf(0, got);
      assertClose(got, logits.get(p), what + " decode step " + p);
    }
    KvCache fresh = new KvCache(model.config(), tokens.length);
    b.clear();
    for (int p = 0; p < tokens.length; p++) {
      b.addRow(tokens[p], p, fresh, true);
    }
    if (adapter != null) {
      b.addSegment(0, tokens.length, adapter, 1.0);
    }
    pass.forward(b);
    for (int p = 0; p < tokens.length; p++) {
      pass.logitsOf(p, got);
      assertClose(got, logits.get(p), what + " prefill position " + p);
    }
  }

  private static int[] tokens() {
    JsonNode t = cases.get("tokens");
    int[] out = new int[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.get(i).asInt();
    }
    return out;
  }

  private static void assertClose(float[] got, JsonNode expected, String what) {
    assertThat(got.length).isEqualTo(expected.size());
    for (int i = 0; i < got.length; i++) {
      double e = expected.get(i).asDouble();
      assertThat(Math.abs(got[i] - e))
          .as("%s, token %d: %s vs transformers %s", what, i, got[i], e)
          .isLessThanOrEqualTo(TOLERANCE * (1 + Math.abs(e)));
    }
  }
}
