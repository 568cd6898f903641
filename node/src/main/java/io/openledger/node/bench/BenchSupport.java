package io.openledger.node.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the bench commands share: rounding of figures, waiting, and cleaning up. */
final class BenchSupport {
  private BenchSupport() {}

  /** {@code v} rounded to one decimal, as the figures are printed. */
  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Sleeps until {@link System#nanoTime()} reaches {@code nanoTime}. */
  static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }

  /** Deletes {@code dir} and everything under it; nothing if it does not exist. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
