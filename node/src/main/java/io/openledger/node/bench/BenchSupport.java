package io.openledger.node.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** What the bench commands share: rounding of figures, waiting, and cleaning up. */
final class BenchSupport {
  private BenchSupport() {}

  /** {@code v} rounded to one decimal, as the figures are printed. */
  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /**
   * Prints a bench's figures: one JSON object with {@code json}, else one {@code key value} line
   * each, keys padded to {@code keyWidth}.
   */
  static void print(PrintWriter out, boolean json, Map<String, Object> figures, int keyWidth)
      throws JsonProcessingException {
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(figures));
    } else {
      figures.forEach((k, v) -> out.printf(Locale.ROOT, "%-" + keyWidth + "s %s%n", k, v));
    }
    out.flush();
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
