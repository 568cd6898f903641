package io.openledger.node.economy.cli;

import io.openledger.node.blob.BlobClient;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress of a blob upload on stderr: one bar while the file is hashed, one while it is sent (as
 * {@code attribution index} draws its build phases).
 */
final class UploadBars implements BlobClient.Progress, AutoCloseable {
  private final String name;
  private final boolean off;
  private BlobClient.Progress.Phase phase;
  private ProgressBar bar;

  /**
   * @param name what is uploaded, shown before the bar
   * @param off draw nothing ({@code --no-progress})
   */
  UploadBars(String name, boolean off) {
    this.name = name;
    this.off = off;
  }

  @Override
  public synchronized void update(Phase p, long done, long total) {
    if (off) {
      return;
    }
    if (p != phase) {
      close();
      phase = p;
      bar = bar((p == Phase.HASHING ? "hash " : "upload ") + name, total, " KiB", 1024);
    }
    bar.stepTo(done);
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /** A bar on stderr; {@code max} -1 for one that only shows time passing. */
  static ProgressBar bar(String task, long max, String unit, long unitSize) {
    ProgressBarBuilder b =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(max)
            .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
            .setUpdateIntervalMillis(200);
    if (unit != null) {
      b.setUnit(unit, unitSize);
    }
    return b.build();
  }
}
