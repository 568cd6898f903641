package io.openledger.openlora.engine;

/**
 * A snapshot of the engine's counters since it opened.
 *
 * @param requestsCompleted generations finished (any finish reason)
 * @param requestsFailed generations failed (e.g. invalid adapter)
 * @param requestsRejected submits refused for capacity
 * @param running sequences in the batch now
 * @param queued requests waiting for a slot or an adapter
 * @param promptTokens prompt tokens processed
 * @param completionTokens tokens generated
 * @param decodeTokensPerSecond tokens generated per second over the last few seconds of activity
 * @param timeToFirstToken submit to first token
 * @param adapterLoad reading and checking one adapter from disk into memory
 * @param warm warm-tier (memory) lookups: a hit is an adapter found in memory
 * @param cold cold-tier (disk) loads: every warm miss is a cold load; evictions count adapters
 *     dropped from memory to hold the budget
 * @param adaptersResident adapters in memory (active + warm)
 * @param adapterBytesResident bytes of adapter weights in memory
 * @param adapterBudgetBytes the configured budget for them
 * @param baseBytesResident bytes of base weights (mapped or quantized) plus the KV caches now held
 * @param kvCacheBytes bytes of KV cache held by running sequences
 */
public record EngineMetrics(
    long requestsCompleted,
    long requestsFailed,
    long requestsRejected,
    int running,
    int queued,
    long promptTokens,
    long completionTokens,
    double decodeTokensPerSecond,
    Latency timeToFirstToken,
    Latency adapterLoad,
    TierCounters warm,
    TierCounters cold,
    int adaptersResident,
    long adapterBytesResident,
    long adapterBudgetBytes,
    long baseBytesResident,
    long kvCacheBytes) {

  /**
   * Latency percentiles in milliseconds over the most recent observations (a window of 1,024).
   *
   * @param count observations since the engine opened
   */
  public record Latency(long count, double p50Millis, double p99Millis, double maxMillis) {
    public static final Latency NONE = new Latency(0, 0, 0, 0);
  }

  /** Lookups in one cache tier. */
  public record TierCounters(long hits, long misses, long evictions) {}
}
