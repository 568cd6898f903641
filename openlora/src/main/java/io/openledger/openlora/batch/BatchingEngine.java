package io.openledger.openlora.batch;

import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.InferenceEngine;

/** The engine: a scheduler thread that runs continuous, heterogeneous-adapter batches. */
public final class BatchingEngine {
  private BatchingEngine() {}

  public static InferenceEngine open(EngineConfig config) {
    throw new UnsupportedOperationException("the OpenLoRA engine is being built (issue 4)");
  }
}
