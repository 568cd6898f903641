package io.openledger.openlora.adapter;

import io.openledger.openlora.engine.AdapterInfo;
import io.openledger.openlora.model.LoraWeights;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Adapter weights in memory under a byte budget, in tiers: ACTIVE (pinned by a sequence waiting for
 * or running in the batch; never evicted), WARM (in memory, unpinned; evicted least recently used
 * first), COLD (on disk only). Budgets count bytes, so rank-64 adapters take eight times the room
 * of rank-8 ones. Loads run on the loader executor, never on the caller's thread.
 *
 * <p>An adapter that does not fit is not loaded: {@link #acquire} answers {@link Pin#WAIT} and the
 * caller retries when pins are released. So resident bytes never exceed the budget.
 */
public final class AdapterCache {

  /** A pinned adapter: its weights (loading or loaded). Release it exactly once. */
  public static final class Pin {
    /** The adapter does not fit now; try again after some pins are released. */
    public static final Pin WAIT = new Pin(null, null);

    final Entry entry;
    private final CompletableFuture<LoraWeights> weights;

    Pin(Entry entry, CompletableFuture<LoraWeights> weights) {
      this.entry = entry;
      this.weights = weights;
    }

    /** Completes with the weights, or exceptionally with an {@link AdapterFormatException}. */
    public CompletableFuture<LoraWeights> weights() {
      return weights;
    }
  }

  /** One adapter's weights and how they are held. */
  static final class Entry {
    final AdapterManifest manifest;
    final String key;
    CompletableFuture<LoraWeights> weights;
    int pins;
    long lastUse;

    Entry(AdapterManifest manifest, String key) {
      this.manifest = manifest;
      this.key = key;
    }
  }

  private final AdapterReader reader;
  private final long budget;
  private final Executor loader;
  private final LongConsumer loadNanos;
  private final Map<String, Entry> entries = new HashMap<>();
  private long resident;
  private long tick;

  private final AtomicLong warmHits = new AtomicLong();
  private final AtomicLong warmMisses = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong failedLoads = new AtomicLong();

  /**
   * @param budget bytes of adapter weights allowed in memory
   * @param loadNanos receives each successful load's duration
   */
  public AdapterCache(AdapterReader reader, long budget, Executor loader, LongConsumer loadNanos) {
    this.reader = reader;
    this.budget = budget;
    this.loader = loader;
    this.loadNanos = loadNanos;
  }

  /** Whether an adapter of this size could ever fit. */
  public boolean fitsBudget(AdapterManifest m) {
    return m.weightBytes() <= budget;
  }

  /**
   * Pins an adapter: found in memory (a hit), or room is made and a load starts (a miss), or {@link
   * Pin#WAIT} when pinned adapters leave no room.
   */
  public synchronized Pin acquire(AdapterManifest m) {
    String key = m.id() + "@" + m.fingerprint();
    Entry e = entries.get(key);
    if (e != null) {
      e.pins++;
      e.lastUse = ++tick;
      warmHits.incrementAndGet();
      return new Pin(e, e.weights);
    }
    if (!makeRoom(m.weightBytes())) {
      return Pin.WAIT;
    }
    e = new Entry(m, key);
    e.pins = 1;
    e.lastUse = ++tick;
    entries.put(key, e);
    resident += m.weightBytes();
    warmMisses.incrementAndGet();
    Entry entry = e;
    e.weights = CompletableFuture.supplyAsync(() -> load(entry), loader);
    e.weights.whenComplete(
        (w, err) -> {
          if (err != null) {
            dropFailed(entry);
          }
        });
    return new Pin(e, e.weights);
  }

  private LoraWeights load(Entry e) {
    long t0 = System.nanoTime();
    try {
      LoraWeights w = reader.load(e.manifest);
      loads.incrementAndGet();
      loadNanos.accept(System.nanoTime() - t0);
      return w;
    } catch (RuntimeException ex) {
      failedLoads.incrementAndGet();
      throw ex;
    }
  }

  private synchronized void dropFailed(Entry e) {
    if (entries.get(e.key) == e) {
      entries.remove(e.key);
      resident -= e.manifest.weightBytes();
    }
  }

  /** Evicts unpinned, loaded adapters (least recently used first) until {@code need} fits. */
  private boolean makeRoom(long need) {
    if (resident + need <= budget) {
      return true;
    }
    List<Entry> idle = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.pins == 0 && e.weights.isDone() && !e.weights.isCompletedExceptionally()) {
        idle.add(e);
      }
    }
    idle.sort(Comparator.comparingLong(e -> e.lastUse));
    long freeable = 0;
    for (Entry e : idle) {
      freeable += e.manifest.weightBytes();
    }
    if (resident - freeable + need > budget) {
      return false;
    }
    for (Entry e : idle) {
      if (resident + need <= budget) {
        break;
      }
      entries.remove(e.key);
      resident -= e.manifest.weightBytes();
      evictions.incrementAndGet();
    }
    return true;
  }

  /** Unpins; the adapter stays warm until evicted. */
  public synchronized void release(Pin pin) {
    if (pin == null || pin == Pin.WAIT) {
      return;
    }
    pin.entry.pins--;
    if (pin.entry.pins < 0) {
      throw new IllegalStateException("adapter released twice");
    }
  }

  /** Tier of an adapter now. */
  public synchronized AdapterInfo.Tier tier(AdapterManifest m) {
    Entry e = entries.get(m.id() + "@" + m.fingerprint());
    if (e == null || !e.weights.isDone() || e.weights.isCompletedExceptionally()) {
      return AdapterInfo.Tier.COLD;
    }
    return e.pins > 0 ? AdapterInfo.Tier.ACTIVE : AdapterInfo.Tier.WARM;
  }

  /** Bytes of adapter weights in memory or being loaded into it. */
  public synchronized long residentBytes() {
    return resident;
  }

  public synchronized int residentCount() {
    return entries.size();
  }

  public long budget() {
    return budget;
  }

  public long warmHits() {
    return warmHits.get();
  }

  public long warmMisses() {
    return warmMisses.get();
  }

  public long evictions() {
    return evictions.get();
  }

  public long loads() {
    return loads.get();
  }

  public long failedLoads() {
    return failedLoads.get();
  }
}
