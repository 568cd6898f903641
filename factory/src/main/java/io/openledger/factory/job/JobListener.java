package io.openledger.factory.job;

import io.openledger.factory.train.TrainingListener;
import java.nio.file.Path;

/**
 * Progress of a {@link TrainingJob}, for a progress bar or a log. Called on the job's thread; a
 * listener that throws stops the job (the last checkpoint stays, and the next run resumes from it).
 */
public interface JobListener {

  /** The job's phases, in the order they run. */
  enum Phase {
    /** Documents read into token sequences; counted in documents. */
    TOKENIZE("tokenize"),
    /** Optimizer steps; counted in steps (a resumed run starts at the restored step). */
    TRAIN("train"),
    /** The adapter or model directory written; counted in files written. */
    WRITE("write"),
    /**
     * Per-example gradients for influence; counted in backward passes (held-out examples once,
     * training examples once with sketch-space DataInf, three times with exact DataInf).
     */
    INFLUENCE("influence");

    private final String label;

    Phase(String label) {
      this.label = label;
    }

    /** The lower-case name a log or progress bar shows. */
    public String label() {
      return label;
    }
  }

  /** A phase starts; it will count {@code total} units (see {@link Phase}). */
  default void onPhase(Phase phase, long total) {}

  /** {@code done} of the phase's {@code total} units are done. */
  default void onProgress(Phase phase, long done, long total) {}

  /**
   * One optimizer step, with what a training bar shows: the batch's loss, tokens per second and the
   * estimated time left. Follows {@code onProgress(TRAIN, step, totalSteps)}.
   */
  default void onStep(TrainingListener.Step step) {}

  /**
   * Training resumed from the checkpoint taken after {@code step} steps (followed by {@code
   * onProgress(TRAIN, step, totalSteps)}).
   */
  default void onResume(long step) {}

  /** A checkpoint was written after {@code step} steps into {@code dir}. */
  default void onCheckpoint(long step, Path dir) {}

  /** The job is done; {@code trainingJson} is the manifest it wrote. */
  default void onFinished(Path trainingJson) {}

  /** A listener that ignores everything. */
  JobListener NONE = new JobListener() {};
}
