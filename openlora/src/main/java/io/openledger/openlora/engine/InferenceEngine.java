package io.openledger.openlora.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * One base model in memory serving any number of LoRA adapters, requests for different adapters
 * batched together (continuous batching, SGMV on the CPU).
 *
 * <p>Thread-safe: every method may be called from any thread (the HTTP server calls it from one
 * virtual thread per request). Generation runs on the engine's own scheduler thread and kernel
 * pool; {@link #submit} never blocks on model work.
 *
 * <p>Errors are {@link EngineException} subclasses that map one to one to HTTP statuses: {@link
 * EngineException.AdapterNotFound} 404, {@link EngineException.AdapterInvalid} 400, {@link
 * EngineException.InvalidRequest} 400, {@link EngineException.OverCapacity} 503 (with a Retry-After
 * hint), {@link EngineException.Internal} 500.
 */
public interface InferenceEngine extends AutoCloseable {

  /**
   * Loads the base model (memory-mapped) and the tokenizer, and starts the scheduler.
   *
   * @throws java.io.UncheckedIOException when the model directory cannot be read
   * @throws IllegalArgumentException when the model directory is not a supported Llama-family model
   *     (the message says what is wrong)
   */
  static InferenceEngine open(EngineConfig config) {
    EngineProvider provider =
        ServiceLoader.load(EngineProvider.class, InferenceEngine.class.getClassLoader())
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no OpenLoRA engine implementation on the class path"));
    return provider.open(config);
  }

  /** What the base model is: id, vocabulary, context length, chat template. */
  ModelInfo model();

  /**
   * Adapters known without loading anything: every subdirectory of the adapter directory, plus
   * those registered with {@link #registerAdapter}, plus blob-store adapters seen so far. Sorted by
   * id. Cheap: reads only adapter_config.json of adapters not yet inspected.
   */
  List<AdapterInfo> adapters();

  /**
   * Checks one adapter against the base (config, safetensors header: shapes, target modules, rank)
   * without loading its weights.
   *
   * @throws EngineException.AdapterNotFound when no directory or blob has that id
   * @throws EngineException.AdapterInvalid when it is malformed or made for another base
   */
  AdapterInfo adapter(String adapterId);

  /**
   * Registers an adapter directory (adapter_config.json + adapter_model.safetensors) under an id,
   * checking it against the base as {@link #adapter} does. Registering an id again replaces it
   * (requests already running keep the weights they started with).
   *
   * @throws EngineException.AdapterInvalid when it is malformed or made for another base
   * @throws EngineException.InvalidRequest when the id is not a valid adapter id
   */
  AdapterInfo registerAdapter(String adapterId, Path directory);

  /**
   * Starts a generation. Returns at once; the adapter (if not resident) loads asynchronously while
   * other requests keep decoding, then the request joins the running batch.
   *
   * <p>Fails fast (thrown here) for: bad parameters, unknown adapter ids, adapters already known to
   * be invalid, prompts longer than the context, a full queue. An adapter found invalid while
   * loading fails only this request, through {@link Generation}'s events and result.
   */
  Generation submit(GenerationRequest request);

  /** Token ids of a text, as the model's tokenizer gives them (no special tokens added). */
  int[] encode(String text);

  /** Text of token ids (special tokens skipped). */
  String decode(int[] tokenIds);

  /**
   * Renders chat messages to a prompt with the model's chat template (tokenizer_config.json's
   * chat_template, a common subset of Jinja), or a plain "role: content" layout when the model has
   * none.
   *
   * @param addGenerationPrompt append the assistant turn's opening, as OpenAI's chat API does
   * @throws EngineException.InvalidRequest when the template cannot render these messages
   */
  String renderChat(List<ChatMessage> messages, boolean addGenerationPrompt);

  /** Counters and latencies since the engine opened. */
  EngineMetrics metrics();

  /** Stops accepting requests, cancels running ones, unmaps the weights. */
  @Override
  void close();
}
