package io.openledger.node.bridge;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * A daemon thread that runs one step of an L1 role every {@code poll} until closed; a step that
 * fails is logged and tried again at the next poll (each role resumes from what L1 holds, so a
 * retry neither skips nor repeats anything).
 */
final class PollingThread implements AutoCloseable {
  private volatile boolean running = true;
  private final Thread thread;

  /**
   * @param name the thread's name
   * @param step one round of the role's work
   * @param log where failures are reported, as {@code "<what> failed; retrying: <reason>"}
   * @param what what the step does, e.g. {@code "posting batches"}
   */
  PollingThread(String name, Duration poll, Runnable step, Logger log, String what) {
    this.thread =
        Thread.ofPlatform()
            .name(name)
            .daemon()
            .start(
                () -> {
                  while (running) {
                    try {
                      step.run();
                    } catch (RuntimeException e) {
                      log.warn("{} failed; retrying: {}", what, e.getMessage());
                    }
                    try {
                      Thread.sleep(poll);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  /** Stops the loop and waits up to 5 seconds for the step under way to end. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
