package io.openledger.openlora.batch;

import io.openledger.openlora.adapter.AdapterCache;
import io.openledger.openlora.adapter.AdapterCatalog;
import io.openledger.openlora.adapter.AdapterManifest;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.engine.GenerationResult.FinishReason;
import io.openledger.openlora.model.Batch;
import io.openledger.openlora.model.ForwardPass;
import io.openledger.openlora.model.KvCache;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.model.LoraWeights;
import io.openledger.openlora.model.MergedWeights;
import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The scheduler thread: continuous batching. Each iteration admits waiting sequences whose adapters
 * are loaded, forms one batch from every running sequence (one row per decoding sequence, runs of
 * prompt rows for prefilling ones, grouped by adapter), runs the forward pass, samples, streams
 * tokens and retires finished sequences. Requests join and leave between steps.
 */
final class Scheduler implements Runnable {
  /** Consecutive single-adapter steps before merging that adapter into the weights. */
  static final int MERGE_AFTER_STEPS = 4;

  /**
   * Fewest sequences sharing one adapter before merging pays: merged and unmerged weights round
   * differently (within 1e-5 relative), so a lone request keeps bit-identical results run to run.
   */
  static final int MERGE_MIN_SEQUENCES = 8;

  /** How much the scheduler may run at once, and when it merges. */
  record Limits(int maxBatchSize, long kvBudgetBytes, EngineConfig.MergeMode mergeMode) {}

  /** Where adapters come from: the cache pins them, the catalog learns of bad ones. */
  record Adapters(AdapterCache cache, AdapterCatalog catalog, Executor loader) {}

  /** What a sampled token means: its text, whether it is special, whether it ends generation. */
  record Vocabulary(ModelTokenizer tokenizer, BitSet eos) {}

  private final LlamaModel model;
  private final Limits limits;
  private final Adapters adapters;
  private final Vocabulary vocabulary;
  private final Runnable leftQueue;
  private final LongConsumer timeToFirstToken;
  private final ForwardPass pass;
  private final Batch batch;
  private final int vocab;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Sequence> incoming = new ConcurrentLinkedQueue<>();
  private final List<Sequence> waiting = new ArrayList<>();
  private final List<Sequence> running = new ArrayList<>(); // kept sorted by group
  private final int[] logitIndex; // per running position, this step
  private final int[] rowsThisStep;
  private volatile boolean stopping;

  // merged mode
  private MergedWeights merged;
  private AdapterGroup mergedKey;
  private CompletableFuture<MergedWeights> merging;
  private AdapterGroup mergingKey;
  private int uniformSteps;
  private AdapterGroup uniformKey;

  // counters, written by the scheduler thread only
  private volatile long completed;
  private volatile long failed;
  private volatile long promptTokens;
  private volatile long completionTokens;
  private volatile long kvBytes;
  private volatile int runningCount;
  private final long[] stepTime = new long[256];
  private final int[] stepTokens = new int[256];
  private long steps;

  /**
   * @param pass the forward pass, sized for {@code max(maxBatchSize, 256)} rows per step
   * @param leftQueue called when a request leaves the engine's queue (admitted or failed)
   * @param timeToFirstToken receives each request's nanoseconds from submit to its first token
   */
  Scheduler(
      ForwardPass pass,
      LlamaModel model,
      Limits limits,
      Adapters adapters,
      Vocabulary vocabulary,
      Runnable leftQueue,
      LongConsumer timeToFirstToken) {
    this.pass = pass;
    this.model = model;
    this.limits = limits;
    this.adapters = adapters;
    this.vocabulary = vocabulary;
    this.leftQueue = leftQueue;
    this.timeToFirstToken = timeToFirstToken;
    this.batch = new Batch(pass.maxRows(), pass.maxRows() * 16);
    this.vocab = model.config().vocabSize();
    this.logitIndex = new int[limits.maxBatchSize()];
    this.rowsThisStep = new int[limits.maxBatchSize()];
    this.thread = new Thread(this, "openlora-scheduler");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void enqueue(Sequence s) {
    incoming.add(s);
    wake();
  }

  void wake() {
    LockSupport.unpark(thread);
  }

  void stop() {
    stopping = true;
    wake();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    while (!stopping) {
      boolean worked;
      try {
        worked = step();
      } catch (Throwable t) {
        failRunning(t);
        worked = true;
      }
      if (!worked) {
        LockSupport.parkNanos(this, 50_000_000L);
      }
    }
    for (Sequence s : new ArrayList<>(running)) {
      finish(s, FinishReason.CANCELLED);
    }
    drainIncoming();
    for (Sequence s : waiting) {
      releasePins(s);
      s.handle.fail(
          new EngineException.OverCapacity(
              "the engine shut down", java.time.Duration.ofSeconds(5)));
    }
    waiting.clear();
  }

  /** One iteration; false when there was nothing to run. */
  private boolean step() {
    drainIncoming();
    admit();
    for (int i = running.size() - 1; i >= 0; i--) {
      if (running.get(i).handle.cancelled()) {
        finish(running.get(i), FinishReason.CANCELLED);
      }
    }
    runningCount = running.size();
    if (running.isEmpty()) {
      return false;
    }
    int rows = buildBatch();
    long t0 = System.nanoTime();
    pass.forward(batch);
    int generated = sampleAndStream();
    record(t0, generated);
    promptTokens += rows - lastDecodeRows;
    return true;
  }

  private int lastDecodeRows;

  private void drainIncoming() {
    for (Sequence s; (s = incoming.poll()) != null; ) {
      waiting.add(s);
    }
  }

  // ------------------------------------------------------------------ admission

  /**
   * Pins the adapters of waiting sequences (in arrival order, looking ahead one batch), and moves
   * those whose adapters are loaded into the batch while there is room.
   */
  private void admit() {
    int max = limits.maxBatchSize();
    int pinned = 0;
    for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
      Sequence s = it.next();
      if (s.handle.cancelled()) {
        it.remove();
        releasePins(s);
        leaveQueue();
        s.handle.finish(result(s, FinishReason.CANCELLED));
        completed++;
        continue;
      }
      if (s.pins == null) {
        if (pinned >= max) {
          break;
        }
        if (!pin(s)) {
          break;
        } // the adapter budget is full of pinned adapters: wait for releases
      }
      pinned++;
      if (!allLoaded(s)) {
        continue;
      }
      EngineException bad = loadFailure(s);
      if (bad != null) {
        it.remove();
        releasePins(s);
        leaveQueue();
        failed++;
        s.handle.fail(bad);
        continue;
      }
      if (running.size() >= max) {
        continue;
      }
      long need = KvCache.bytesFor(model.config(), s.capacity());
      if (kvBytes + need > limits.kvBudgetBytes() && !running.isEmpty()) {
        continue;
      }
      it.remove();
      s.cache = new KvCache(model.config(), s.capacity());
      kvBytes += s.cache.bytes();
      s.loaded = new LoraWeights[s.pins.length];
      for (int i = 0; i < s.pins.length; i++) {
        s.loaded[i] = s.pins[i].weights().join();
      }
      insertSorted(s);
    }
  }

  private boolean pin(Sequence s) {
    AdapterCache.Pin[] pins = new AdapterCache.Pin[s.adapters.size()];
    for (int i = 0; i < pins.length; i++) {
      AdapterCache.Pin p = adapters.cache().acquire(s.adapters.get(i));
      if (p == AdapterCache.Pin.WAIT) {
        for (int k = 0; k < i; k++) {
          adapters.cache().release(pins[k]);
        }
        return false;
      }
      pins[i] = p;
      p.weights().whenComplete((w, e) -> wake());
    }
    s.pins = pins;
    return true;
  }

  private static boolean allLoaded(Sequence s) {
    for (AdapterCache.Pin p : s.pins) {
      if (!p.weights().isDone()) {
        return false;
      }
    }
    return true;
  }

  private EngineException loadFailure(Sequence s) {
    for (int i = 0; i < s.pins.length; i++) {
      CompletableFuture<LoraWeights> f = s.pins[i].weights();
      if (!f.isCompletedExceptionally()) {
        continue;
      }
      AdapterManifest m = s.adapters.get(i);
      Throwable cause;
      try {
        f.join();
        continue;
      } catch (CompletionException e) {
        cause = e.getCause() == null ? e : e.getCause();
      }
      String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      adapters.catalog().markInvalid(m, reason);
      return new EngineException.AdapterInvalid(m.id(), reason, cause);
    }
    return null;
  }

  private void releasePins(Sequence s) {
    if (s.pins == null) {
      return;
    }
    for (AdapterCache.Pin p : s.pins) {
      adapters.cache().release(p);
    }
    s.pins = null;
  }

  private void leaveQueue() {
    leftQueue.run();
  }

  private void insertSorted(Sequence s) {
    int i = running.size();
    while (i > 0 && running.get(i - 1).group.compareTo(s.group) > 0) {
      i--;
    }
    running.add(i, s);
  }

  // ------------------------------------------------------------------ batch

  /** Fills {@link #batch}; returns its rows. */
  private int buildBatch() {
    batch.clear();
    int decodeRows = 0;
    for (Sequence s : running) {
      if (!s.prefilling()) {
        decodeRows++;
      }
    }
    lastDecodeRows = decodeRows;
    int prefillBudget = batch.capacity - decodeRows;
    for (int i = 0; i < running.size(); i++) {
      Sequence s = running.get(i);
      if (s.prefilling()) {
        int n = Math.min(s.prompt.length - s.prefilled, prefillBudget);
        prefillBudget -= n;
        rowsThisStep[i] = n;
      } else {
        rowsThisStep[i] = 1;
      }
    }
    MergedWeights useMerged = chooseMerged();
    batch.useMerged(useMerged);
    for (int i = 0; i < running.size(); ) {
      int j = i;
      AdapterGroup key = running.get(i).group;
      int start = batch.rows();
      while (j < running.size() && running.get(j).group.equals(key)) {
        addRows(running.get(j), j);
        j++;
      }
      int end = batch.rows();
      Sequence first = running.get(i);
      if (useMerged == null && end > start) {
        for (int a = 0; a < first.loaded.length; a++) {
          batch.addSegment(start, end, first.loaded[a], first.weights[a]);
        }
      }
      i = j;
    }
    return batch.rows();
  }

  private void addRows(Sequence s, int i) {
    logitIndex[i] = -1;
    int n = rowsThisStep[i];
    if (n == 0) {
      return;
    }
    if (s.prefilling()) {
      for (int k = 0; k < n; k++) {
        int pos = s.prefilled + k;
        boolean last = pos == s.prompt.length - 1;
        if (last) {
          logitIndex[i] = batch.logitCount();
        }
        batch.addRow(s.prompt[pos], pos, s.cache, last);
      }
      s.prefilled += n;
      s.position = s.prefilled;
    } else {
      logitIndex[i] = batch.logitCount();
      batch.addRow(s.lastToken, s.position, s.cache, true);
      s.position++;
    }
  }

  /**
   * Merged mode: while every running sequence uses one adapter at weight 1, after a few steps merge
   * it (in the background) and run the batch on the merged weights.
   */
  private MergedWeights chooseMerged() {
    if (limits.mergeMode() != EngineConfig.MergeMode.AUTO || running.size() < MERGE_MIN_SEQUENCES) {
      uniformSteps = 0;
      return null;
    }
    Sequence first = running.get(0);
    AdapterManifest single = first.single();
    AdapterGroup key = single == null ? null : first.group;
    for (Sequence s : running) {
      if (key == null || !s.group.equals(key)) {
        key = null;
      }
    }
    if (key == null) {
      uniformSteps = 0;
      uniformKey = null;
      return null;
    }
    if (key.equals(mergedKey)) {
      return merged;
    }
    if (merging != null && merging.isDone()) {
      if (!merging.isCompletedExceptionally()) {
        merged = merging.join();
        mergedKey = mergingKey;
      }
      merging = null;
      if (key.equals(mergedKey)) {
        return merged;
      }
    }
    uniformSteps = key.equals(uniformKey) ? uniformSteps + 1 : 1;
    uniformKey = key;
    if (uniformSteps >= MERGE_AFTER_STEPS && merging == null) {
      LoraWeights w = first.loaded[0];
      mergingKey = key;
      merging =
          CompletableFuture.supplyAsync(
              () -> MergedWeights.merge(model, w, 1.0), adapters.loader());
    }
    return null;
  }

  // ------------------------------------------------------------------ sampling

  private int sampleAndStream() {
    float[] logits = pass.logits();
    int generated = 0;
    for (int i = 0; i < running.size(); i++) {
      if (logitIndex[i] < 0) {
        continue;
      }
      Sequence s = running.get(i);
      int off = logitIndex[i] * vocab;
      int token = s.sampler.next(logits, off);
      double lp = s.sampler.logprob(logits, off, token);
      List<GenerationEvent.TopLogprob> top = List.of();
      if (s.topLogprobs > 0) {
        List<GenerationEvent.TopLogprob> t = new ArrayList<>();
        for (int alt : s.sampler.top(logits, off, s.topLogprobs)) {
          t.add(
              new GenerationEvent.TopLogprob(
                  alt, vocabulary.tokenizer().tokenText(alt), s.sampler.logprob(logits, off, alt)));
        }
        top = List.copyOf(t);
      }
      generated++;
      emit(s, token, lp, top);
    }
    // retire finished ones (emit marked them) in a second pass, keeping indices stable above;
    // pins and cache are released before the caller sees the result
    for (int i = running.size() - 1; i >= 0; i--) {
      Sequence s = running.get(i);
      if (s.finishReason != null) {
        running.remove(i);
        retire(s);
        s.handle.finish(result(s, s.finishReason));
        completed++;
      }
    }
    return generated;
  }

  private void emit(Sequence s, int token, double logprob, List<GenerationEvent.TopLogprob> top) {
    long now = System.nanoTime();
    if (s.tokens.isEmpty()) {
      s.firstTokenNanos = now;
      timeToFirstToken.accept(now - s.submitNanos);
    }
    boolean isEos = vocabulary.eos().get(token);
    boolean special = isEos || vocabulary.tokenizer().isSpecial(token);
    String text = special ? "" : s.stop.push(s.decoder.push(token));
    FinishReason reason = null;
    if (isEos) {
      reason = FinishReason.EOS_TOKEN;
    } else if (s.stop.stopped()) {
      reason = FinishReason.STOP_SEQUENCE;
    } else if (s.tokens.size() + 1 >= s.maxNewTokens) {
      reason = FinishReason.LENGTH;
    }
    if (reason != null && reason != FinishReason.STOP_SEQUENCE) {
      text += s.stop.push(s.decoder.flush());
      text += s.stop.flush();
      if (s.stop.stopped()) {
        reason = FinishReason.STOP_SEQUENCE;
      }
    }
    GenerationEvent.Token ev =
        new GenerationEvent.Token(s.tokens.size(), token, text, logprob, special, top);
    s.tokens.add(ev);
    s.handle.token(ev);
    completionTokens++;
    s.lastToken = token;
    s.finishReason = reason;
  }

  private GenerationResult result(Sequence s, FinishReason reason) {
    long now = System.nanoTime();
    double ttftMs =
        s.firstTokenNanos == 0
            ? (now - s.submitNanos) / 1e6
            : (s.firstTokenNanos - s.submitNanos) / 1e6;
    return new GenerationResult(
        s.stop.text(),
        reason,
        s.prompt.length,
        s.tokens.size(),
        s.tokens,
        ttftMs,
        (now - s.submitNanos) / 1e6);
  }

  /** Ends a running sequence early (cancel, shutdown). */
  private void finish(Sequence s, FinishReason reason) {
    running.remove(s);
    retire(s);
    if (!s.handle.done()) {
      s.stop.push(s.decoder.flush());
      s.stop.flush();
      s.handle.finish(result(s, reason));
      completed++;
    }
  }

  private void retire(Sequence s) {
    releasePins(s);
    if (s.cache != null) {
      kvBytes -= s.cache.bytes();
    }
    s.cache = null;
    leaveQueue();
  }

  private void failRunning(Throwable t) {
    EngineException e = new EngineException.Internal("generation failed: " + t, t);
    for (Sequence s : new ArrayList<>(running)) {
      running.remove(s);
      retire(s);
      s.handle.fail(e);
      failed++;
    }
  }

  // ------------------------------------------------------------------ metrics

  private void record(long t0, int tokens) {
    int k = (int) (steps++ % stepTime.length);
    stepTime[k] = System.nanoTime();
    stepTokens[k] = tokens;
  }

  record Counters(
      long completed,
      long failed,
      int running,
      long promptTokens,
      long completionTokens,
      double tokensPerSecond,
      long kvBytes,
      long mergedBytes) {}

  /** A snapshot for metrics (racy reads of scheduler-owned counters are fine here). */
  Counters counters() {
    MergedWeights m = merged;
    return new Counters(
        completed,
        failed,
        runningCount,
        promptTokens,
        completionTokens,
        tokensPerSecond(),
        kvBytes,
        m == null ? 0 : m.bytes());
  }

  /** Generated tokens per second over the last five seconds of steps. */
  private double tokensPerSecond() {
    long now = System.nanoTime();
    long n = Math.min(steps, stepTime.length);
    long oldest = now;
    long tokens = 0;
    for (int i = 0; i < n; i++) {
      long t = stepTime[i];
      if (now - t > 5_000_000_000L) {
        continue;
      }
      tokens += stepTokens[i];
      oldest = Math.min(oldest, t);
    }
    double secs = (now - oldest) / 1e9;
    return secs <= 0 ? 0 : tokens / Math.max(secs, 0.5);
  }
}
