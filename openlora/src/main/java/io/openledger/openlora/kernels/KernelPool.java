package io.openledger.openlora.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool that runs one loop on the caller and {@code threads - 1} workers. Built for
 * the decode loop: a parallel call costs a few atomic operations, no allocation and no task queue.
 * The loop is cut into a few chunks per thread that threads claim as they come, so the caller never
 * waits for a worker that has not started (on a machine shared with other work a worker may be
 * descheduled for milliseconds); it waits only for chunks already claimed. Workers spin briefly
 * between calls (the next matmul is microseconds away), then park. Which thread runs a chunk never
 * changes a result: every output element is computed whole by one thread.
 *
 * <p>Only one thread may call {@link #parallelFor} at a time.
 */
public final class KernelPool implements AutoCloseable {

  /** Work on the index range [from, to) by worker {@code worker} (0 is the caller). */
  @FunctionalInterface
  public interface RangeTask {
    void run(int worker, int from, int to);
  }

  private static final int SPIN_BEFORE_PARK = 1 << 12;
  private static final int CHUNKS_PER_THREAD = 8;

  private final int threads;
  private final Thread[] workers;

  /** (generation << 32) | next chunk to claim. */
  private final AtomicLong ticket = new AtomicLong();

  private final AtomicInteger done = new AtomicInteger();
  private volatile boolean closed;
  private int generation;
  // the current call, published by the volatile write of ticket
  private RangeTask task;
  private int total;
  private int grain;
  private int chunks;
  private volatile Throwable failure;

  public KernelPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
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
   * Runs task over [0, total) in chunks whose boundaries are multiples of {@code grain}; returns
   * when all are done. Runs inline when there is too little work to split.
   */
  public void parallelFor(int total, int grain, RangeTask task) {
    if (total <= 0) {
      return;
    }
    int units = (total + grain - 1) / grain;
    if (threads == 1 || units < 2) {
      task.run(0, 0, total);
      return;
    }
    this.task = task;
    this.total = total;
    this.grain = grain;
    this.chunks = Math.min(units, threads * CHUNKS_PER_THREAD);
    done.set(0);
    int gen = ++generation;
    ticket.set((long) gen << 32); // publishes the fields above
    for (Thread t : workers) {
      LockSupport.unpark(t);
    }
    Throwable mine = null;
    try {
      claimChunks(gen, 0);
    } catch (Throwable e) {
      mine = e;
    }
    while (done.get() < chunks) {
      Thread.onSpinWait();
    }
    ticket.set(((long) gen << 32) | 0xffffffffL); // nothing left to claim in this generation
    this.task = null;
    Throwable theirs = failure;
    failure = null;
    if (mine != null) {
      throwUnchecked(mine);
    }
    if (theirs != null) {
      throwUnchecked(theirs);
    }
  }

  /** Claims and runs chunks of generation {@code gen} until none are left. */
  private void claimChunks(int gen, int worker) {
    while (true) {
      long t = ticket.get();
      if ((int) (t >>> 32) != gen) {
        return;
      }
      int c = (int) t;
      if (c < 0 || c >= chunks) {
        return;
      }
      if (!ticket.compareAndSet(t, t + 1)) {
        continue;
      }
      // the claim succeeded while gen was current, so the fields still describe gen
      int units = (total + grain - 1) / grain;
      int from = (int) ((long) units * c / chunks) * grain;
      int to = Math.min(total, (int) ((long) units * (c + 1) / chunks) * grain);
      try {
        if (from < to) {
          task.run(worker, from, to);
        }
      } catch (Throwable e) {
        failure = e;
      } finally {
        done.incrementAndGet();
      }
    }
  }

  private void workLoop(int id) {
    int seen = 0;
    while (!closed) {
      long t = ticket.get();
      int gen = (int) (t >>> 32);
      int c = (int) t;
      if (gen != seen && c >= 0 && c < chunks) {
        claimChunks(gen, id);
        seen = gen;
        continue;
      }
      seen = gen;
      int spins = 0;
      while ((int) (ticket.get() >>> 32) == seen && !closed) {
        if (++spins < SPIN_BEFORE_PARK) {
          Thread.onSpinWait();
        } else {
          LockSupport.parkNanos(this, 1_000_000);
        }
      }
    }
  }

  private static void throwUnchecked(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new RuntimeException(t);
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : workers) {
      LockSupport.unpark(t);
    }
  }
}
