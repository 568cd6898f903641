package io.openledger.attribution.index;

/**
 * Progress of an index build, for a progress bar. Called from the building thread; the phases come
 * in order, each with its own total.
 */
public interface BuildProgress {
  /** The phases of a shard build. */
  enum Phase {
    /** Reading and tokenizing contributions; units: contributions. */
    TOKENIZE,
    /** Sorting suffixes; units: percent, or parts sorted and written for a version in parts. */
    SORT,
    /** Writing the shard file; units: bytes. */
    WRITE
  }

  /** A phase starts; {@code total} units of work, or -1 when unknown. */
  void start(Phase phase, long total);

  /** {@code done} units of the current phase are done. */
  void progress(long done);

  /** Progress is not reported. */
  BuildProgress NONE =
      new BuildProgress() {
        @Override
        public void start(Phase phase, long total) {}

        @Override
        public void progress(long done) {}
      };
}
