package io.openledger.factory.train;

import java.nio.file.Path;

/** Progress of a training run (a progress bar, a log). Called on the training thread. */
public interface TrainingListener {

  /**
   * One optimizer step done.
   *
   * @param step steps done so far (1-based: the step just taken)
   * @param totalSteps steps of the run
   * @param loss mean next-token cross-entropy of the step's batch before the update (nats)
   * @param gradNorm global gradient norm before clipping
   * @param learningRate the step's learning rate
   * @param tokensPerSecond training tokens per second over this invocation
   * @param etaSeconds estimated seconds left
   */
  record Step(
      long step,
      long totalSteps,
      double loss,
      double gradNorm,
      double learningRate,
      double tokensPerSecond,
      double etaSeconds) {}

  void onStep(Step step);

  /** A checkpoint was written after {@code step} steps. */
  default void onCheckpoint(long step, Path dir) {}

  /** The run resumed from a checkpoint after {@code step} steps. */
  default void onResume(long step) {}

  /** A listener that ignores everything. */
  TrainingListener NONE = s -> {};
}
