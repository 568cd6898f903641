package io.openledger.node.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of the JVM's own threads, which {@link CpuClock} counts as the node's: the JIT compilers
 * ({@code C1/C2 CompilerThread}) and the garbage collector ({@code GC Thread#n}, {@code VM
 * Thread}). Read from {@code /proc/self/task} (Linux; 10 ms ticks); elsewhere {@link #read} is
 * null. On two busy cores the compilers are still working tens of seconds into a run, so this part
 * of the node's CPU per transfer is a warm-up cost, not one a long-running node pays.
 */
final class JvmServiceCpu {
  private static final Path TASKS = Path.of("/proc/self/task");

  /** Nanoseconds on CPU since each thread started. */
  record Reading(long compilerNanos, long gcNanos) {
    Reading minus(Reading earlier) {
      return new Reading(compilerNanos - earlier.compilerNanos, gcNanos - earlier.gcNanos);
    }
  }

  /** The compilers' and the collector's CPU time, or null where {@code /proc} has no tasks. */
  static Reading read() {
    if (!Files.isDirectory(TASKS)) {
      return null;
    }
    long compiler = 0;
    long gc = 0;
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : tasks.toList()) {
        String name;
        long nanos;
        try {
          name = Files.readString(task.resolve("comm")).strip();
          nanos = cpuNanos(Files.readString(task.resolve("stat")));
        } catch (IOException | RuntimeException e) {
          continue; // the thread ended while listed
        }
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
          compiler += nanos;
        } else if (name.startsWith("GC Thread") || name.equals("VM Thread")) {
          gc += nanos;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return new Reading(compiler, gc);
  }

  /**
   * utime + stime of a {@code /proc/<pid>/task/<tid>/stat} line, in nanoseconds: fields 14 and 15,
   * in clock ticks of 1/100 s (USER_HZ), counted after the name's closing parenthesis since a
   * thread name may hold spaces.
   */
  private static long cpuNanos(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
  }
}
