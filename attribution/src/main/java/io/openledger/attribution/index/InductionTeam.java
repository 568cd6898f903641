package io.openledger.attribution.index;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The two induction scans of SA-IS on several threads, block by block (the scheme of libsais, Ilya
 * Grebnov). A scan reads the suffix array in order and, for each suffix {@code v} it meets, writes
 * {@code v - 1} into the next free slot of its bucket; the slots depend on every earlier step, so
 * the scan itself is sequential. What costs is memory latency: the read of the token before a
 * random suffix, and the write to a random slot. So each block of {@link #BLOCK} entries goes in
 * three steps:
 *
 * <ol>
 *   <li>gather (all threads, each a part of the block): for each entry, the suffix it induces and
 *       that suffix's bucket: the random reads of the text;
 *   <li>sort (one thread, in scan order): take the bucket slots, the same sequence of bucket
 *       counter updates as the sequential scan; an entry written inside the block itself (the scan
 *       would meet it later in the same block) is gathered again here, which is rare;
 *   <li>place (all threads): the random writes into the suffix array.
 * </ol>
 *
 * <p>Every entry is read after every write that the sequential scan makes before reading it, so the
 * result is the sequential scan's, entry for entry, for any number of threads.
 */
final class InductionTeam implements AutoCloseable {
  /** Texts shorter than this are induced by the sequential loops. */
  static final int MIN_PARALLEL = 1 << 16;

  // Entries per block: 3 ints each of working space, so that it stays in the caches (768 KiB).
  private static final int BLOCK = 1 << 16;
  private static final int VALUE = Integer.MAX_VALUE;

  private final int parties;
  private final int minLength;
  private final ExecutorService helpers;
  // Per entry start + j of the current block: the suffix it induces (-1: none), that suffix's
  // bucket counter index, and the slot it goes to.
  private final int[] induced = new int[BLOCK];
  private final int[] bucket = new int[BLOCK];
  private final int[] slot = new int[BLOCK];

  /** A team of {@code threads} threads, used for texts of any length (tests). */
  InductionTeam(int threads) {
    this(threads, 0);
  }

  private InductionTeam(int threads, int minLength) {
    this.parties = threads;
    this.minLength = minLength;
    this.helpers =
        threads == 1
            ? null
            : Executors.newFixedThreadPool(
                threads - 1,
                r -> {
                  Thread t = new Thread(r, "suffix-sort");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** A team for a text of {@code n} tokens, or null when the sequential loops are the better. */
  static InductionTeam of(int threads, int n) {
    return threads > 1 && n >= MIN_PARALLEL ? new InductionTeam(threads, MIN_PARALLEL) : null;
  }

  /** Whether a (recursion level's) text of {@code n} tokens is induced by this team. */
  boolean takes(int n) {
    return n >= minLength;
  }

  /**
   * Left to right: each L-type suffix {@code v - 1} is written at the front of its bucket's free
   * L-slots ({@code buf[c]++}). Token values carry the S-type flag in the sign bit.
   */
  void induceL(int[] s, int[] sa, int n, int[] buf) {
    run(new Scan(Kind.L_TYPE, s, sa, n, buf, null));
  }

  /**
   * Places the LMS suffixes {@code lms[0, m)}, in that order, each at the next free slot of its
   * bucket ({@code buf[c]++}), as the first step of an induction does.
   */
  void placeLms(int[] s, int[] sa, int[] lms, int m, int[] buf) {
    run(new Scan(Kind.LMS, s, sa, m, buf, lms));
  }

  /**
   * Right to left: each S-type suffix {@code v - 1} at the back of its bucket ({@code --buf[c+1]}).
   */
  void induceS(int[] s, int[] sa, int n, int[] buf) {
    run(new Scan(Kind.S_TYPE, s, sa, n, buf, null));
  }

  private void run(Scan scan) {
    if (helpers == null) {
      scan.party(0);
      return;
    }
    together(scan::partyOrBreak, scan.barrier::reset);
  }

  /** A part of a loop over an index range. */
  interface Range {
    void run(int from, int to);
  }

  /**
   * Runs {@code body} over {@code [0, n)} cut into one range per thread, all at once; the cuts are
   * multiples of 64, so that ranges never share a word of a bit set indexed like the loop.
   */
  void forRanges(int n, Range body) {
    if (helpers == null) {
      body.run(0, n);
      return;
    }
    together(
        id -> {
          int from = cut(n, id);
          int to = cut(n, id + 1);
          if (from < to) {
            body.run(from, to);
          }
        },
        () -> {});
  }

  private int cut(int n, int part) {
    if (part == parties) {
      return n;
    }
    long at = ((long) n * part / parties + 63) & ~63L;
    return (int) Math.min(n, at);
  }

  // Runs party(0) on this thread and party(1..) on the helpers, and waits for all of them.
  private void together(IntConsumer party, Runnable breakOthers) {
    List<Future<?>> running = new ArrayList<>(parties - 1);
    for (int id = 1; id < parties; id++) {
      int p = id;
      running.add(helpers.submit(() -> party.accept(p)));
    }
    // The failure to report is the first one that is not "another party failed".
    Throwable failure = null;
    try {
      party.accept(0);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        breakOthers.run();
        throw new IllegalStateException("interrupted while sorting suffixes", e);
      } catch (ExecutionException e) {
        if (failure == null || failure instanceof PartyFailed) {
          failure = e.getCause();
        }
      }
    }
    switch (failure) {
      case null -> {}
      case RuntimeException r -> throw r;
      case Error e -> throw e;
      default -> throw new IllegalStateException(failure);
    }
  }

  /** What a party throws when another one failed and broke the barrier. */
  private static final class PartyFailed extends IllegalStateException {
    PartyFailed(Throwable cause) {
      super("another suffix sorting thread failed", cause);
    }
  }

  @Override
  public void close() {
    if (helpers != null) {
      helpers.shutdownNow();
    }
  }

  private enum Kind {
    L_TYPE,
    S_TYPE,
    LMS
  }

  /** One induction scan (or the placing of the LMS suffixes), run by every party in lock step. */
  private final class Scan {
    final Kind kind;
    final int[] s;
    final int[] sa;
    final int n; // entries scanned: of sa, or of lms
    final int[] buf;
    final int[] lms;
    final boolean leftToRight;
    final CyclicBarrier barrier;

    Scan(Kind kind, int[] s, int[] sa, int n, int[] buf, int[] lms) {
      this.kind = kind;
      this.s = s;
      this.sa = sa;
      this.n = n;
      this.buf = buf;
      this.lms = lms;
      this.leftToRight = kind != Kind.S_TYPE;
      this.barrier = parties > 1 ? new CyclicBarrier(parties) : null;
    }

    // A party that fails breaks the barrier, so that the others stop instead of waiting forever.
    void partyOrBreak(int id) {
      try {
        party(id);
      } catch (RuntimeException | Error e) {
        barrier.reset();
        throw e;
      }
    }

    void party(int id) {
      if (leftToRight) {
        for (int start = 0; start < n; start += BLOCK) {
          block(id, start, Math.min(n, start + BLOCK));
        }
      } else {
        for (int end = n; end > 0; end -= BLOCK) {
          block(id, Math.max(0, end - BLOCK), end);
        }
      }
    }

    private void block(int id, int start, int end) {
      int len = end - start;
      int lo = start + (int) ((long) len * id / parties);
      int hi = start + (int) ((long) len * (id + 1) / parties);
      if (kind == Kind.LMS) {
        for (int i = lo; i < hi; i++) {
          int d = lms[i];
          induced[i - start] = d;
          bucket[i - start] = s[d] & VALUE;
        }
      } else {
        for (int i = lo; i < hi; i++) {
          gather(i - start, sa[i]);
        }
      }
      await();
      if (id == 0) {
        switch (kind) {
          case L_TYPE -> sortLeftToRight(start, end);
          case S_TYPE -> sortRightToLeft(start, end);
          case LMS -> sortLms(end - start);
        }
      }
      await();
      for (int j = lo - start, to = hi - start; j < to; j++) {
        int p = induced[j];
        if (p >= 0) {
          sa[slot[j]] = p;
        }
      }
      await();
    }

    // Entry j of the block holds suffix v: record the suffix v - 1 it induces, if any.
    private void gather(int j, int v) {
      int p = -1;
      if (v >= 1) {
        int c = s[v - 1];
        if (leftToRight) {
          if (c >= 0) { // L-type
            p = v - 1;
            bucket[j] = c;
          }
        } else if (c < 0) { // S-type
          p = v - 1;
          bucket[j] = (c & VALUE) + 1;
        }
      }
      induced[j] = p;
    }

    // Slots taken left to right land after the entry (d > start + j); one inside the block is an
    // entry this block has yet to scan, with its new content.
    private void sortLeftToRight(int start, int end) {
      int[] b = buf;
      for (int j = 0, len = end - start; j < len; j++) {
        int p = induced[j];
        if (p >= 0) {
          int d = b[bucket[j]]++;
          slot[j] = d;
          if (d < end) {
            gather(d - start, p);
          }
        }
      }
    }

    private void sortLms(int len) {
      int[] b = buf;
      for (int j = 0; j < len; j++) {
        slot[j] = b[bucket[j]]++;
      }
    }

    // Slots taken right to left land before the entry (d < start + j).
    private void sortRightToLeft(int start, int end) {
      int[] b = buf;
      for (int j = end - start - 1; j >= 0; j--) {
        int p = induced[j];
        if (p >= 0) {
          int d = --b[bucket[j]];
          slot[j] = d;
          if (d >= start) {
            gather(d - start, p);
          }
        }
      }
    }

    private void await() {
      if (barrier == null) {
        return;
      }
      try {
        barrier.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while sorting suffixes", e);
      } catch (BrokenBarrierException e) {
        throw new PartyFailed(e);
      }
    }
  }
}
