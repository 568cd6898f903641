package io.openledger.openlora.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool that splits one loop over the caller and {@code threads - 1} workers. Built
 * for the decode loop: a parallel call costs a volatile write and a spin, no allocation and no task
 * queue. Workers spin briefly between calls (the next matmul is microseconds away), then park. Only
 * one thread (the engine's scheduler) may call {@link #parallelFor} at a time.
 */
public final class KernelPool implements AutoCloseable {

  /** Work on the index range [from, to) by worker {@code worker} (0 is the caller). */
  @FunctionalInterface
  public interface RangeTask {
    void run(int worker, int from, int to);
  }

  private static final int SPIN_BEFORE_PARK = 1 << 14;

  private final int threads;
  private final Thread[] workers;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile long generation;
  private volatile boolean closed;
  private RangeTask task;
  private int total;
  private int grain;
  private volatile Throwable failure;

  public KernelPool(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
    this.threads = threads;
    this.workers = new Thread[threads - 1];
    for (int w = 1; w < threads; w++) {
      int id = w;
      Thread t = new Thread(() -> workLoop(id), "openlora-kernel-" + w);
      t.setDaemon(true);
      workers[w - 1] = t;
      t.start();
    }
  }

  public int threads() {
    return threads;
  }

  /**
   * Runs task over [0, total), split into {@code threads} contiguous chunks whose boundaries are
   * multiples of {@code grain}; returns when all are done. Runs inline when there is too little
   * work to split.
   */
  public void parallelFor(int total, int grain, RangeTask task) {
    if (total <= 0) return;
    if (threads == 1 || total <= grain) {
      task.run(0, 0, total);
      return;
    }
    this.task = task;
    this.total = total;
    this.grain = grain;
    pending.set(threads - 1);
    generation++; // publishes task/total/grain to the workers
    for (Thread t : workers) LockSupport.unpark(t);
    Throwable mine = null;
    try {
      runChunk(0);
    } catch (Throwable e) {
      mine = e;
    }
    while (pending.get() != 0) Thread.onSpinWait();
    this.task = null;
    Throwable theirs = failure;
    failure = null;
    if (mine != null) throwUnchecked(mine);
    if (theirs != null) throwUnchecked(theirs);
  }

  private void runChunk(int w) {
    int chunks = threads;
    int units = (total + grain - 1) / grain;
    int from = (int) ((long) units * w / chunks) * grain;
    int to = Math.min(total, (int) ((long) units * (w + 1) / chunks) * grain);
    if (from < to) task.run(w, from, to);
  }

  private void workLoop(int id) {
    long seen = 0;
    while (!closed) {
      long g = generation;
      if (g == seen) {
        int spins = 0;
        while ((g = generation) == seen && !closed) {
          if (++spins < SPIN_BEFORE_PARK) Thread.onSpinWait();
          else LockSupport.parkNanos(this, 1_000_000);
        }
        if (closed) return;
      }
      seen = g;
      try {
        runChunk(id);
      } catch (Throwable e) {
        failure = e;
      } finally {
        pending.decrementAndGet();
      }
    }
  }

  private static void throwUnchecked(Throwable t) {
    if (t instanceof RuntimeException r) throw r;
    if (t instanceof Error e) throw e;
    throw new RuntimeException(t);
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : workers) LockSupport.unpark(t);
  }
}
