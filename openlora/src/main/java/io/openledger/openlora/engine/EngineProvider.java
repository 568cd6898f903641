package io.openledger.openlora.engine;

/**
 * Opens engines. {@link InferenceEngine#open} finds the implementation through {@link
 * java.util.ServiceLoader} (the batching engine registers one in META-INF/services), so this API
 * package depends on no implementation package.
 */
public interface EngineProvider {
  /** Loads the model and starts an engine (see {@link InferenceEngine#open}). */
  InferenceEngine open(EngineConfig config);
}
