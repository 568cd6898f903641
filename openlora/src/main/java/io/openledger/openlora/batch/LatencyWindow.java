package io.openledger.openlora.batch;

import io.openledger.openlora.engine.EngineMetrics;
import java.util.Arrays;

/** The most recent 1,024 latencies (nanoseconds) and a count of all, for p50/p99. Thread-safe. */
public final class LatencyWindow {
  private final long[] ring = new long[1024];
  private long count;

  public synchronized void record(long nanos) {
    ring[(int) (count % ring.length)] = nanos;
    count++;
  }

  public synchronized EngineMetrics.Latency snapshot() {
    if (count == 0) {
      return EngineMetrics.Latency.NONE;
    }
    int n = (int) Math.min(count, ring.length);
    long[] v = Arrays.copyOf(ring, n);
    Arrays.sort(v);
    return new EngineMetrics.Latency(
        count,
        millis(v[percentileIndex(n, 0.50)]),
        millis(v[percentileIndex(n, 0.99)]),
        millis(v[n - 1]));
  }

  /** Nearest-rank percentile index. */
  static int percentileIndex(int n, double p) {
    return Math.max(0, Math.min(n - 1, (int) Math.ceil(p * n) - 1));
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
