package io.openledger.openlora.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A running generation: a stream of events and a final result.
 *
 * <p>Events arrive in order: zero or more {@link GenerationEvent.Token}, then exactly one {@link
 * GenerationEvent.Finished} or {@link GenerationEvent.Failed}. They are buffered, so a consumer may
 * start reading late and still see every event. For streaming (SSE), read {@link #nextEvent()}
 * until a terminal event; a server that wants to answer an invalid adapter with a 400 before
 * committing to a 200 stream can wait for the first event. For a plain response, wait on {@link
 * #result()}.
 */
public interface Generation {

  /** Engine-assigned id, unique per engine ("gen-" + counter). */
  String id();

  /** Number of prompt tokens (after tokenization). */
  int promptTokens();

  /** Blocks until the next event. After the terminal event it returns that event again. */
  GenerationEvent nextEvent() throws InterruptedException;

  /**
   * Like {@link #nextEvent()} but waits at most {@code timeout}; returns null when none arrived.
   */
  GenerationEvent nextEvent(Duration timeout) throws InterruptedException;

  /**
   * Completes with the result, or exceptionally with an {@link EngineException} (for example {@link
   * EngineException.AdapterInvalid} when the adapter failed to load).
   */
  CompletableFuture<GenerationResult> result();

  /**
   * Stops generating (a client disconnected); the result completes with finish reason {@link
   * GenerationResult.FinishReason#CANCELLED}. Idempotent.
   */
  void cancel();
}
