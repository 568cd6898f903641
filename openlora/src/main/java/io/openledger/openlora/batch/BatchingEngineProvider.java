package io.openledger.openlora.batch;

import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.EngineProvider;
import io.openledger.openlora.engine.InferenceEngine;

/** Registers {@link BatchingEngine} as the engine {@link InferenceEngine#open} opens. */
public final class BatchingEngineProvider implements EngineProvider {
  @Override
  public InferenceEngine open(EngineConfig config) {
    return BatchingEngine.open(config);
  }
}
