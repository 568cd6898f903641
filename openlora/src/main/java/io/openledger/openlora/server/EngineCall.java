package io.openledger.openlora.server;

import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.Generation;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.engine.InferenceEngine;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Runs a {@link GenerationPlan} on the engine from a request thread, turning engine failures into
 * {@link ApiException}s with the right status. Blocking is fine here: every request has its own
 * virtual thread.
 */
final class EngineCall {
  private EngineCall() {}

  /**
   * Submits the plan. Unknown adapters, adapters already known to be broken and a full queue are
   * answered here, before anything is sent.
   *
   * @param adapterParam the request field that named the adapter, for the error body
   */
  static Generation submit(InferenceEngine engine, GenerationPlan plan, String adapterParam) {
    try {
      return engine.submit(plan.request());
    } catch (EngineException e) {
      throw ApiError.from(e, adapterParam).toException();
    }
  }

  /** Waits for the whole answer (non-streaming responses). */
  static GenerationResult await(Generation g, String adapterParam) throws InterruptedException {
    try {
      return g.result().get();
    } catch (ExecutionException | CompletionException e) {
      throw failure(e.getCause(), adapterParam);
    } catch (CancellationException e) {
      throw ApiError.internal("the generation was cancelled").toException();
    } catch (InterruptedException e) {
      g.cancel();
      throw e;
    }
  }

  /**
   * Waits for the first event, so that an adapter found broken while loading is answered with its
   * 400 before a 200 stream is committed.
   */
  static GenerationEvent first(Generation g, String adapterParam) throws InterruptedException {
    GenerationEvent e;
    try {
      e = g.nextEvent();
    } catch (InterruptedException ie) {
      g.cancel();
      throw ie;
    }
    if (e instanceof GenerationEvent.Failed f) {
      throw ApiError.from(f.error(), adapterParam).toException();
    }
    return e;
  }

  static ApiException failure(Throwable cause, String adapterParam) {
    if (cause instanceof EngineException ee) {
      return ApiError.from(ee, adapterParam).toException();
    }
    return ApiError.internal("generation failed: " + cause).toException();
  }
}
