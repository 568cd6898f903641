package io.openledger.openlora.batch;

import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.Generation;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The caller's view of a sequence: buffered events, a result future, a cancel flag. */
final class GenerationHandle implements Generation {
  private final String id;
  private final int promptTokens;
  private final LinkedBlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
  private final Runnable onCancel;
  private volatile GenerationEvent terminal;
  private volatile boolean cancelled;

  GenerationHandle(String id, int promptTokens, Runnable onCancel) {
    this.id = id;
    this.promptTokens = promptTokens;
    this.onCancel = onCancel;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int promptTokens() {
    return promptTokens;
  }

  @Override
  public GenerationEvent nextEvent() throws InterruptedException {
    GenerationEvent t = terminal;
    if (t != null && events.isEmpty()) {
      return t;
    }
    GenerationEvent e = events.take();
    return e;
  }

  @Override
  public GenerationEvent nextEvent(Duration timeout) throws InterruptedException {
    GenerationEvent t = terminal;
    if (t != null && events.isEmpty()) {
      return t;
    }
    return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public CompletableFuture<GenerationResult> result() {
    return result;
  }

  @Override
  public void cancel() {
    if (!cancelled) {
      cancelled = true;
      onCancel.run();
    }
  }

  boolean cancelled() {
    return cancelled;
  }

  void token(GenerationEvent.Token t) {
    events.add(t);
  }

  void finish(GenerationResult r) {
    if (terminal != null) {
      return;
    }
    GenerationEvent.Finished f = new GenerationEvent.Finished(r);
    terminal = f;
    events.add(f);
    result.complete(r);
  }

  void fail(EngineException e) {
    if (terminal != null) {
      return;
    }
    GenerationEvent.Failed f = new GenerationEvent.Failed(e);
    terminal = f;
    events.add(f);
    result.completeExceptionally(e);
  }

  boolean done() {
    return terminal != null;
  }
}
