package io.openledger.openlora.bench;

import io.openledger.openlora.testmodel.ModelSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link OpenLoraBenchmark} measures.
 *
 * @param workDir where the generated model and adapters are written (reused when already there)
 * @param model the model to generate and serve ({@link ModelSpec#bench100M()} for the recorded
 *     figures)
 * @param threads kernel threads
 * @param decodeTokens tokens generated per single-stream measurement
 * @param batchSize sequences per batch in the throughput runs
 * @param distinctAdapters the adapter mixes to measure (e.g. 1, 10, 100, 1000)
 * @param ranks adapter ranks to measure (e.g. 8, 16)
 * @param coldLoads adapter loads timed for the cold-load percentiles
 * @param registeredAdapters adapters registered for the memory-budget figure
 * @param adapterBudgetBytes the engine's adapter memory budget
 * @param repeats runs per figure; the median is reported
 */
public record BenchOptions(
    Path workDir,
    ModelSpec model,
    int threads,
    int decodeTokens,
    int batchSize,
    List<Integer> distinctAdapters,
    List<Integer> ranks,
    int coldLoads,
    int registeredAdapters,
    long adapterBudgetBytes,
    int repeats) {

  public BenchOptions {
    distinctAdapters = List.copyOf(distinctAdapters);
    ranks = List.copyOf(ranks);
  }

  /** The recorded configuration: the ~100M model, 2 threads, 1/10/100/1000 adapters, r 8 and 16. */
  public static BenchOptions standard(Path workDir) {
    return new BenchOptions(
        workDir,
        ModelSpec.bench100M(),
        Math.min(2, Runtime.getRuntime().availableProcessors()),
        64,
        64,
        List.of(1, 10, 100, 1000),
        List.of(8, 16),
        200,
        1000,
        64L << 20,
        3);
  }

  /** A seconds-long run on the tiny model (for tests and smoke checks). */
  public static BenchOptions quick(Path workDir) {
    return new BenchOptions(
        workDir,
        ModelSpec.tiny(),
        Math.min(2, Runtime.getRuntime().availableProcessors()),
        16,
        8,
        List.of(1, 4),
        List.of(8),
        20,
        50,
        1L << 20,
        1);
  }
}
