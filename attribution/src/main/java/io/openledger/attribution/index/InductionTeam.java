package io.openledger.attribution.index;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The two induction scans of SA-IS on several threads, block by block (after libsais, Ilya
 * Grebnov), and the other loops of SA-IS that split into independent ranges. A scan reads the
 * suffix array in order and, for each suffix {@code v} it meets, writes {@code v - 1} into the next
 * free slot of its bucket; the slots depend on every earlier step, so the scan itself is
 * sequential. What costs is memory latency: the read of the token before a random suffix, and the
 * write to a random slot. So each block of {@link #BLOCK} entries goes in two steps:
 *
 * <ol>
 *   <li>gather (all threads, in chunks): for each entry, the suffix it induces and that suffix's
 *       bucket: the random reads of the text, without branches on what they read so that many cache
 *       misses are in flight at once;
 *   <li>sort and place (one thread, in scan order): take the bucket slots, the same sequence of
 *       bucket counter updates as the sequential scan, and write the suffixes there; an entry
 *       written inside the block itself (the scan would meet it later in the same block) is
 *       gathered again on the spot, which is rare.
 * </ol>
 *
 * <p>Blocks overlap: while one thread sorts block k the others gather block k + 1, and it joins
 * them when its sort is done. The entries of block k + 1 that the sort of block k wrote meanwhile
 * are gathered again before block k + 1 is sorted. Every entry is thus read after every write that
 * the sequential scan makes before reading it, so the result is the sequential scan's, entry for
 * entry, for any number of threads. One barrier per block; one thread alone runs the same steps.
 */
final class InductionTeam implements AutoCloseable {
  /** Texts shorter than this are induced by the sequential loops. */
  static final int MIN_PARALLEL = 1 << 16;

  // Entries per block: 3 ints each of working space, twice, so that it stays in the caches.
  private static final int BLOCK = 1 << 15;
  // Entries the threads take at a time when gathering a block.
  private static final int CHUNK = 1 << 12;
  private static final int VALUE = Integer.MAX_VALUE;

  private final int parties;
  private final int minLength;
  private final boolean blockedScans;
  private final ExecutorService helpers;
  // Two sets (the block being sorted and the next one, being gathered) of, per entry start + j of
  // a block: the suffix it induces (-1: none) and that suffix's bucket counter.
  private final int[][] induced = new int[2][BLOCK];
  private final int[][] bucket = new int[2][BLOCK];
  // Entries of the next block written by the sort of the current one (positions in the array).
  private final int[] rewrittenAt = new int[BLOCK];

  /** A team of {@code threads} threads, used for texts of any length (tests). */
  InductionTeam(int threads) {
    this(threads, 0, true);
  }

  private InductionTeam(int threads, int minLength, boolean blockedScans) {
    this.parties = threads;
    this.minLength = minLength;
    this.blockedScans = blockedScans;
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
    return threads > 1 && n >= MIN_PARALLEL ? new InductionTeam(threads, MIN_PARALLEL, true) : null;
  }

  /**
   * A team for the range loops only, for a text of {@code n} tokens (or null when they are better
   * run on one thread): the induction scans stay the sequential loops, which cost less in total
   * than the blocked ones, and the other core is free for other work meanwhile.
   */
  static InductionTeam forRangeLoops(int threads, int n) {
    return threads > 1 && n >= MIN_PARALLEL
        ? new InductionTeam(threads, MIN_PARALLEL, false)
        : null;
  }

  /** As {@link #forRangeLoops} for texts of any length (tests). */
  static InductionTeam forRangeLoops(int threads) {
    return new InductionTeam(threads, 0, false);
  }

  /** Whether the induction scans of a text of {@code n} tokens run block by block on this team. */
  boolean inducesBlocked(int n) {
    return blockedScans && takes(n);
  }

  /** Whether a (recursion level's) text of {@code n} tokens is induced by this team. */
  boolean takes(int n) {
    return n >= minLength;
  }

  /**
   * Left to right: each L-type suffix {@code v - 1} is written at the front of its bucket's free
   * L-slots ({@code buf[c]++}). Token values carry the S-type flag in the sign bit; the last entry
   * of {@code buf} is a spare counter, past those of the buckets.
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

  /** A part of a loop over an index range, knowing which part it is. */
  interface Part {
    void run(int part, int from, int to);
  }

  /** How many parts {@link #forParts} cuts a loop into. */
  int parties() {
    return parties;
  }

  /**
   * Runs {@code body} over {@code [0, n)} cut into one range per thread, all at once; the cuts are
   * multiples of 64, so that ranges never share a word of a bit set indexed like the loop.
   */
  void forRanges(int n, Range body) {
    forParts(n, (part, from, to) -> body.run(from, to));
  }

  /**
   * As {@link #forRanges}, telling each range its part number ({@code [0, parties())}, in index
   * order); the cuts are the same on every call with the same {@code n}.
   */
  void forParts(int n, Part body) {
    if (helpers == null) {
      body.run(0, 0, n);
      return;
    }
    together(
        id -> {
          int from = cut(n, id);
          int to = cut(n, id + 1);
          if (from < to) {
            body.run(id, from, to);
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
    // Per set: the next chunk of the block being gathered into it that no thread has taken yet.
    final AtomicInteger[] nextChunk = {new AtomicInteger(), new AtomicInteger()};
    // The counter taken by entries that induce nothing: the last one of buf, past every bucket's.
    final int dummy;

    Scan(Kind kind, int[] s, int[] sa, int n, int[] buf, int[] lms) {
      this.kind = kind;
      this.s = s;
      this.sa = sa;
      this.n = n;
      this.buf = buf;
      this.lms = lms;
      this.leftToRight = kind != Kind.S_TYPE;
      this.dummy = buf.length - 1;
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
      int blocks = (n + BLOCK - 1) / BLOCK;
      if (blocks == 0) {
        return;
      }
      int len = end(0) - start(0);
      gather(0, start(0), start(0) + share(len, id), start(0) + share(len, id + 1));
      await();
      int rewritten = 0; // entries of block k written by block k - 1 after they were gathered
      for (int k = 0; k < blocks; k++) {
        int set = k & 1;
        boolean more = k + 1 < blocks;
        if (id == 0) {
          regather(set, start(k), rewritten);
          nextChunk[set].set(0); // this set is next gathered in step k + 1
          rewritten =
              more
                  ? sortAndPlace(set, start(k), end(k), start(k + 1), end(k + 1))
                  : sortAndPlace(set, start(k), end(k), 0, 0);
        }
        if (more) {
          gatherChunks(set ^ 1, start(k + 1), end(k + 1));
        }
        await();
      }
    }

    // Block k in scan order: left to right from 0, or right to left from n.
    private int start(int k) {
      return leftToRight ? k * BLOCK : Math.max(0, n - (k + 1) * BLOCK);
    }

    private int end(int k) {
      return leftToRight ? Math.min(n, (k + 1) * BLOCK) : n - k * BLOCK;
    }

    private int share(int len, int part) {
      return (int) ((long) len * part / parties);
    }

    private void gatherChunks(int set, int start, int end) {
      AtomicInteger chunks = nextChunk[set];
      for (int c = chunks.getAndIncrement(); start + c * CHUNK < end; ) {
        int from = start + c * CHUNK;
        gather(set, start, from, Math.min(end, from + CHUNK));
        c = chunks.getAndIncrement();
      }
    }

    // The entries at rewrittenAt[0, count) were written while or after they were gathered: again.
    private void regather(int set, int start, int count) {
      for (int r = 0; r < count; r++) {
        int at = rewrittenAt[r];
        if (kind == Kind.L_TYPE) {
          gatherL(induced[set], bucket[set], at - start, sa[at]);
        } else {
          gatherS(induced[set], bucket[set], at - start, sa[at]);
        }
      }
    }

    // Entries [from, to) of the block that starts at start, into the given set.
    private void gather(int set, int start, int from, int to) {
      int[] p = induced[set];
      int[] c = bucket[set];
      switch (kind) {
        case L_TYPE -> {
          for (int i = from; i < to; i++) {
            gatherL(p, c, i - start, sa[i]);
          }
        }
        case S_TYPE -> {
          for (int i = from; i < to; i++) {
            gatherS(p, c, i - start, sa[i]);
          }
        }
        case LMS -> {
          for (int i = from; i < to; i++) {
            int d = lms[i];
            p[i - start] = d;
            c[i - start] = s[d] & VALUE;
          }
        }
      }
    }

    // Entry j of a block holds suffix v: record the suffix v - 1 it induces when v - 1 is L-type,
    // else the dummy counter. No branch on the text: a mispredicted branch waits for its cache
    // miss, while these selects let the misses of many entries overlap.
    private void gatherL(int[] induced, int[] bucket, int j, int v) {
      int q = v - 1;
      int c = s[Math.max(q, 0)];
      boolean take = q >= 0 & c >= 0;
      induced[j] = take ? q : -1;
      bucket[j] = take ? c : dummy;
    }

    // As gatherL for an S-type v - 1, whose counter is the end of its bucket.
    private void gatherS(int[] induced, int[] bucket, int j, int v) {
      int q = v - 1;
      int c = s[Math.max(q, 0)];
      boolean take = q >= 0 & c < 0;
      induced[j] = take ? q : -1;
      bucket[j] = take ? (c & VALUE) + 1 : dummy;
    }

    // Takes the slots in scan order and writes the suffixes, as the sequential scan does. Left to
    // right a slot lands after its entry, right to left before it; one inside the block is an entry
    // this block has yet to scan: gathered again here with its new content (rare: a token
    // repeated). One inside the next block, which the other threads are gathering now, is noted in
    // rewrittenAt and gathered again before that block is sorted. Returns how many were noted.
    private int sortAndPlace(int set, int start, int end, int nextStart, int nextEnd) {
      int[] b = buf;
      int[] p = induced[set];
      int[] c = bucket[set];
      int rewritten = 0;
      switch (kind) {
        case L_TYPE -> {
          for (int j = 0, len = end - start; j < len; j++) {
            int q = p[j];
            if (q >= 0) {
              int at = b[c[j]]++;
              sa[at] = q;
              if (at < end) {
                gatherL(p, c, at - start, q);
              } else if (at < nextEnd) {
                rewrittenAt[rewritten++] = at;
              }
            }
          }
        }
        case S_TYPE -> {
          for (int j = end - start - 1; j >= 0; j--) {
            int q = p[j];
            if (q >= 0) {
              int at = --b[c[j]];
              sa[at] = q;
              if (at >= start) {
                gatherS(p, c, at - start, q);
              } else if (at >= nextStart && nextStart < nextEnd) {
                rewrittenAt[rewritten++] = at;
              }
            }
          }
        }
        case LMS -> {
          for (int j = 0, len = end - start; j < len; j++) {
            sa[b[c[j]]++] = p[j];
          }
        }
      }
      return rewritten;
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
