package io.openledger.node.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of this process split into the load generator's share (its client threads and the JDK
 * HTTP client's threads) and the node's (everything else: request handling on virtual threads'
 * carriers, signature recovery, the sequencer, RocksDB's threads, GC and JIT).
 */
final class CpuClock {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Nanoseconds of CPU: the whole process and the load generator's threads. */
  record Reading(long processNanos, long clientNanos, double loadAverage) {
    Reading minus(Reading earlier) {
      return new Reading(
          processNanos - earlier.processNanos, clientNanos - earlier.clientNanos, loadAverage);
    }

    long nodeNanos() {
      return processNanos - clientNanos;
    }
  }

  Reading read() {
    long client = 0;
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && isClient(t.getThreadName())) {
        long ns = threads.getThreadCpuTime(t.getThreadId());
        if (ns > 0) {
          client += ns;
        }
      }
    }
    return new Reading(os.getProcessCpuTime(), client, os.getSystemLoadAverage());
  }

  private static boolean isClient(String name) {
    return name.startsWith("bench-") || name.startsWith("HttpClient-");
  }
}
