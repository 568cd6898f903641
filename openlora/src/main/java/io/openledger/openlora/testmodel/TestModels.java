package io.openledger.openlora.testmodel;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes deterministic Llama-shaped models and PEFT adapters in exactly the Hugging Face layout
 * (config.json, model.safetensors, tokenizer.json, tokenizer_config.json; adapter_config.json,
 * adapter_model.safetensors), so tests, the server and the benchmark exercise the real loaders.
 * Same spec, same bytes.
 */
public final class TestModels {
  private TestModels() {}

  /** Writes a model into {@code dir} (created if missing) and returns {@code dir}. */
  public static Path writeModel(Path dir, ModelSpec spec) {
    throw new UnsupportedOperationException("being built");
  }

  /** Writes one PEFT adapter for a model of {@code base}'s shape into {@code dir}. */
  public static Path writeAdapter(Path dir, ModelSpec base, AdapterSpec spec) {
    throw new UnsupportedOperationException("being built");
  }

  /**
   * Writes {@code count} adapters as subdirectories {@code adapter-0000}, {@code adapter-0001}, ...
   * of {@code parent}, adapter i seeded with {@code template.seed() + i}. Returns their ids.
   */
  public static List<String> writeAdapters(
      Path parent, ModelSpec base, int count, AdapterSpec template) {
    throw new UnsupportedOperationException("being built");
  }
}
