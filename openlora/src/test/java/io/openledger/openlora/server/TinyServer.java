package io.openledger.openlora.server;

import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.GenerationRequest;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.engine.SamplingParams;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The real server over the real engine, on a free loopback port, serving the generated tiny model
 * with three good adapters (adapter-0000..0002) and three broken ones:
 *
 * <ul>
 *   <li>{@code broken-json}: adapter_config.json is not JSON
 *   <li>{@code other-base}: a valid adapter for a model of another width
 *   <li>{@code truncated}: a valid config but adapter_model.safetensors cut in half
 * </ul>
 */
final class TinyServer implements AutoCloseable {
  static {
    // Jetty's and Javalin's start/stop lines would bury the test output.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  static final ModelSpec MODEL = ModelSpec.tiny();
  static final List<String> GOOD = List.of("adapter-0000", "adapter-0001", "adapter-0002");

  final Path root;
  final Path adapters;
  final InferenceEngine engine;
  final OpenLoraServer server;
  final ApiClient client;

  private TinyServer(Path root, Path adapters, InferenceEngine engine, OpenLoraServer server) {
    this.root = root;
    this.adapters = adapters;
    this.engine = engine;
    this.server = server;
    this.client = new ApiClient(server.baseUri());
  }

  static TinyServer start(Path root) {
    return start(root, c -> c);
  }

  static TinyServer start(Path root, UnaryOperator<EngineConfig> tweak) {
    return start(root, tweak, ServerExtensions.none());
  }

  static TinyServer start(
      Path root, UnaryOperator<EngineConfig> tweak, ServerExtensions extensions) {
    Path model = TestModels.writeModel(root.resolve(MODEL.name()), MODEL);
    Path adapters = root.resolve("adapters");
    TestModels.writeAdapters(adapters, MODEL, 3, AdapterSpec.of(8, 11));
    writeBroken(adapters);
    InferenceEngine engine =
        InferenceEngine.open(tweak.apply(EngineConfig.of(model).withAdapterDir(adapters)));
    OpenLoraServer server =
        OpenLoraServer.start(engine, ServerConfig.loopbackEphemeral(), extensions);
    return new TinyServer(root, adapters, engine, server);
  }

  String base() {
    return engine.model().id();
  }

  /** The engine's own greedy answer, bypassing HTTP, for the same prompt text. */
  GenerationResult direct(String adapterId, String prompt, int maxTokens) {
    GenerationRequest r =
        new GenerationRequest(
            new GenerationRequest.Prompt.Tokens(GenerationPlan.tokenize(engine, prompt)),
            adapterId == null
                ? new GenerationRequest.AdapterChoice.Base()
                : new GenerationRequest.AdapterChoice.Single(adapterId),
            SamplingParams.greedy(maxTokens),
            0);
    // A server with no queue may still count the previous request for a moment after its result.
    for (int attempt = 0; ; attempt++) {
      try {
        return engine.submit(r).result().join();
      } catch (io.openledger.openlora.engine.EngineException.OverCapacity e) {
        if (attempt == 200) {
          throw e;
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static void writeBroken(Path adapters) {
    try {
      Path json = adapters.resolve("broken-json");
      copyDir(adapters.resolve("adapter-0000"), json);
      Files.writeString(json.resolve("adapter_config.json"), "{\"r\": 8, \"lora_alpha\": ");

      ModelSpec wider =
          new ModelSpec("wider-llama", 512, 128, 320, 2, 4, 2, 256, 10000, false, false, "F32", 7);
      TestModels.writeAdapter(adapters.resolve("other-base"), wider, AdapterSpec.of(8, 5));

      Path cut = adapters.resolve("truncated");
      copyDir(adapters.resolve("adapter-0001"), cut);
      truncate(cut.resolve("adapter_model.safetensors"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void truncate(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
  }

  static void copyDir(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  @Override
  public void close() {
    client.close();
    server.close();
    engine.close();
  }
}
