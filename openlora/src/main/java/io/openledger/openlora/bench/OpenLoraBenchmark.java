package io.openledger.openlora.bench;

import java.util.function.Consumer;

/**
 * The OpenLoRA engine's benchmark, callable from {@code openledger bench openlora}: generates the
 * model and adapters (once, under {@link BenchOptions#workDir()}), then measures single-stream
 * decode, heterogeneous batch throughput, adapter cold loads and memory.
 */
public final class OpenLoraBenchmark {
  private OpenLoraBenchmark() {}

  /**
   * Runs every measurement.
   *
   * @param progress receives one human-readable line per step (e.g. "generating model", "batch r16
   *     x100 adapters: 512.3 tok/s")
   */
  public static OpenLoraFigures run(BenchOptions options, Consumer<String> progress) {
    throw new UnsupportedOperationException("being built");
  }
}
