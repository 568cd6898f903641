package io.openledger.attribution.index;

import java.util.Arrays;

/**
 * Suffix arrays in linear time by induced sorting (SA-IS: Nong, Zhang and Chan, "Two efficient
 * algorithms for linear time suffix array construction", 2011).
 *
 * <p>Order: suffixes compare token by token; a suffix that is a proper prefix of another is the
 * smaller (the text ends in a virtual sentinel smaller than every token). The result is the unique
 * sorted order of the suffixes, so it is the same on every run and every machine.
 *
 * <p>Speed: the hot loops are memory-bound (random reads of the text and random writes of the
 * array), so the S/L type of each suffix lives in the sign bit of its token, making one read give
 * both; when all reduced names are distinct the recursion is replaced by a direct placement. Memory
 * at the top level: the array returned plus about 2 ints per LMS suffix (at most n/2 of them) times
 * two, besides the input.
 *
 * <p>Threads: with more than one (and a text of at least {@link InductionTeam#MIN_PARALLEL}
 * tokens), the induction scans run block by block on all of them ({@link InductionTeam}), and the
 * naming of LMS substrings and the index maps in ranges; the result is the same array.
 */
public final class SuffixArrays {
  private static final int NAIVE_BELOW = 16;
  private static final int S_TYPE = Integer.MIN_VALUE;
  private static final int VALUE = Integer.MAX_VALUE;
  // How far ahead the induction loops touch the text (array entries).
  private static final int PREFETCH = 24;

  @SuppressWarnings("unused")
  private static volatile int sink;

  private SuffixArrays() {}

  /**
   * The suffix array of {@code text}: {@code sa[r]} is the start of the suffix of rank {@code r}.
   *
   * @param text tokens, each in {@code [0, maxToken]}; not modified
   * @param maxToken the largest token value
   */
  public static int[] build(int[] text, int maxToken) {
    return build(text, maxToken, 1);
  }

  /**
   * As {@link #build(int[], int)} on {@code threads} threads (the caller and {@code threads - 1}
   * helpers); the result is the same for every thread count.
   */
  public static int[] build(int[] text, int maxToken, int threads) {
    checkThreads(threads);
    checkTokens(text, maxToken);
    try (InductionTeam team = InductionTeam.of(threads, text.length)) {
      return sais(text.clone(), text.length, maxToken, team);
    }
  }

  /**
   * The block-parallel induction on {@code threads} threads even for one thread or a short text:
   * for tests, which compare it with the sequential loops of {@link #build(int[], int)}.
   */
  static int[] buildBlocked(int[] text, int maxToken, int threads) {
    checkThreads(threads);
    checkTokens(text, maxToken);
    try (InductionTeam team = new InductionTeam(threads)) {
      return sais(text.clone(), text.length, maxToken, team);
    }
  }

  private static void checkThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
  }

  /**
   * The sequential induction scans with the other loops (types, bucket counts, LMS positions, the
   * naming, the index maps) on {@code threads} threads even for a short text: for tests.
   */
  static int[] buildWithRangeLoops(int[] text, int maxToken, int threads) {
    checkThreads(threads);
    checkTokens(text, maxToken);
    try (InductionTeam team = InductionTeam.forRangeLoops(threads)) {
      return sais(text.clone(), text.length, maxToken, team);
    }
  }

  /** How {@link #buildInPlace} uses its threads. */
  enum Threads {
    /** The induction scans block by block on all threads ({@link InductionTeam}). */
    BLOCKED_SCANS,
    /** The sequential induction scans; the loops that split into ranges on all threads. */
    RANGE_LOOPS
  }

  /**
   * As {@link #build} but uses {@code text} as working space: the array is changed during the call
   * and restored before it returns. Meanwhile other threads may read the tokens masked with {@code
   * Integer.MAX_VALUE} (the sort only sets and clears their sign bits), nothing else. Saves a copy
   * of the text.
   */
  static int[] buildInPlace(int[] text, int n, int maxToken, int threads) {
    return buildInPlace(text, n, maxToken, threads, Threads.BLOCKED_SCANS);
  }

  /** As {@link #buildInPlace(int[], int, int, int)}, using the threads as {@code use} says. */
  static int[] buildInPlace(int[] text, int n, int maxToken, int threads, Threads use) {
    if (n > text.length) {
      throw new IllegalArgumentException("n > text.length");
    }
    checkThreads(threads);
    checkTokens(text, n, maxToken);
    try (InductionTeam team =
        use == Threads.BLOCKED_SCANS
            ? InductionTeam.of(threads, n)
            : InductionTeam.forRangeLoops(threads, n)) {
      return sais(text, n, maxToken, team);
    } finally {
      for (int i = 0; i < n; i++) {
        text[i] &= VALUE;
      }
    }
  }

  private static void checkTokens(int[] text, int maxToken) {
    checkTokens(text, text.length, maxToken);
  }

  private static void checkTokens(int[] text, int n, int maxToken) {
    if (maxToken < 0) {
      throw new IllegalArgumentException("maxToken must be >= 0");
    }
    for (int i = 0; i < n; i++) {
      if (text[i] < 0 || text[i] > maxToken) {
        throw new IllegalArgumentException(
            "token " + text[i] + " at " + i + " outside [0, " + maxToken + "]");
      }
    }
  }

  /**
   * Reference: sorts the suffixes by direct comparison (O(n^2 log n)); for tests and tiny texts.
   */
  public static int[] naive(int[] text) {
    return naive(text, text.length);
  }

  static int[] naive(int[] s, int n) {
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> compareSuffixes(s, n, a, b));
    int[] sa = new int[n];
    for (int i = 0; i < n; i++) {
      sa[i] = idx[i];
    }
    return sa;
  }

  static int compareSuffixes(int[] s, int n, int a, int b) {
    if (a == b) {
      return 0;
    }
    while (a < n && b < n) {
      if (s[a] != s[b]) {
        return Integer.compare(s[a], s[b]);
      }
      a++;
      b++;
    }
    return a == n ? -1 : 1;
  }

  // s[0..n) with values in [0, upper], no type bits yet. On return s carries type bits (S-type
  // suffixes have the sign bit set); callers that keep s strip them.
  // team: null for the sequential induction loops.
  private static int[] sais(int[] s, int n, int upper, InductionTeam team) {
    if (n < NAIVE_BELOW) {
      return naive(s, n);
    }
    InductionTeam here = team != null && team.takes(n) ? team : null;
    classify(s, n, here);
    // Bucket c spans [sumL[c], sumL[c+1]); its L-type suffixes come first, S-type from sumS[c].
    int[] sumL = new int[upper + 2];
    int[] sumS = new int[upper + 2];
    count(s, n, upper, sumL, sumS, here);
    for (int c = 0; c <= upper; c++) {
      sumS[c] += sumL[c];
      sumL[c + 1] += sumS[c];
    }
    int[] buf = new int[upper + 3]; // the last entry: a spare counter for InductionTeam
    long[] isLms = new long[(n >>> 6) + 1]; // one bit per position: far fewer cache misses than s
    int[] lms = findLms(s, n, isLms, here);
    int m = lms.length;
    int[] sa = new int[n];
    induce(s, n, upper, sa, lms, m, sumL, sumS, buf, team);
    if (m == 0) {
      return unflagged(sa, n, here);
    }
    // LMS positions in the order their LMS substrings were sorted by the first induction.
    int[] sortedLms = new int[m];
    for (int i = 0, k = 0; i < n; i++) {
      int v = sa[i];
      if (v > 0 && (isLms[v >>> 6] & (1L << v)) != 0) {
        sortedLms[k++] = v;
      }
    }
    // sa is free until the second induction: use it as position -> LMS ordinal (LMS positions are
    // at least 2 apart, so pos >> 1 is unique).
    int[] ordinal = sa;
    forRanges(
        here,
        m,
        (from, to) -> {
          for (int j = from; j < to; j++) {
            ordinal[lms[j] >> 1] = j;
          }
        });
    isLms = null;
    int[] recS = new int[m];
    int recUpper =
        here == null
            ? name(s, n, sa, lms, sortedLms, m, recS)
            : nameInParallel(s, n, sa, lms, sortedLms, m, recS, here);
    int[] recSa;
    if (recUpper + 1 == m) {
      int[] inverse = sortedLms; // reuse: all names distinct, so the order is the names' order
      forRanges(
          here,
          m,
          (from, to) -> {
            for (int j = from; j < to; j++) {
              inverse[recS[j]] = j;
            }
          });
      recSa = inverse;
    } else {
      recSa = sais(recS, m, recUpper, team);
    }
    int[] lmsSa = recSa;
    forRanges(
        here,
        m,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            lmsSa[i] = lms[lmsSa[i]];
          }
        });
    induce(s, n, upper, sa, recSa, m, sumL, sumS, buf, team);
    return unflagged(sa, n, here);
  }

  // The suffix array without the flags the sequential scans leave in the sign bits. (After the
  // first induction they do no harm: LMS suffixes are never flagged, and sa is reused as scratch.)
  private static int[] unflagged(int[] sa, int n, InductionTeam team) {
    forRanges(
        team,
        n,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            sa[i] &= VALUE;
          }
        });
    return sa;
  }

  // Types: suffix i is S-type when smaller than suffix i+1 (flagged in the sign bit of s[i]). The
  // last suffix is L-type (the virtual sentinel after it is smaller than every token).
  private static void classify(int[] s, int n, InductionTeam team) {
    forRanges(
        team,
        n,
        (from, to) -> {
          // The first suffix of the next range, from the text alone: that range may be setting
          // its flags now.
          boolean nextS = to < n && smallerThanNext(s, n, to);
          for (int i = to - 1; i >= from; i--) {
            if (i == n - 1) {
              continue;
            }
            int a = s[i];
            int b;
            boolean bS;
            if (i + 1 == to) {
              b = s[to] & VALUE;
              bS = nextS;
            } else {
              int next = s[i + 1];
              b = next & VALUE;
              bS = next < 0;
            }
            if (a < b || (a == b && bS)) {
              s[i] = a | S_TYPE;
            }
          }
        });
  }

  // Whether suffix i is S-type, by the first token after it that differs from s[i].
  private static boolean smallerThanNext(int[] s, int n, int i) {
    int a = s[i] & VALUE;
    int j = i + 1;
    while (j < n && (s[j] & VALUE) == a) {
      j++;
    }
    return j < n && a < (s[j] & VALUE);
  }

  // sumS[c] = L-type suffixes starting with c, sumL[c + 1] = S-type ones. In parallel only when
  // the per-thread counters are small beside the text.
  private static void count(int[] s, int n, int upper, int[] sumL, int[] sumS, InductionTeam team) {
    if (team == null || upper >= n / 16) {
      countRange(s, 0, n, sumL, sumS);
      return;
    }
    int parts = team.parties();
    int[][] partL = new int[parts][];
    int[][] partS = new int[parts][];
    partL[0] = sumL;
    partS[0] = sumS;
    for (int p = 1; p < parts; p++) {
      partL[p] = new int[upper + 2];
      partS[p] = new int[upper + 2];
    }
    team.forParts(n, (part, from, to) -> countRange(s, from, to, partL[part], partS[part]));
    for (int p = 1; p < parts; p++) {
      for (int c = 0; c < upper + 2; c++) {
        sumL[c] += partL[p][c];
        sumS[c] += partS[p][c];
      }
    }
  }

  private static void countRange(int[] s, int from, int to, int[] sumL, int[] sumS) {
    for (int i = from; i < to; i++) {
      int v = s[i];
      if (v >= 0) {
        sumS[v]++;
      } else {
        sumL[(v & VALUE) + 1]++;
      }
    }
  }

  // LMS positions (S-type with an L-type left neighbour), in text order; marked in isLms too.
  private static int[] findLms(int[] s, int n, long[] isLms, InductionTeam team) {
    int parts = team == null ? 1 : team.parties();
    int[] before = new int[parts + 1]; // LMS positions in the parts before part p
    InductionTeam.Part counting =
        (part, from, to) -> {
          int c = 0;
          for (int i = Math.max(1, from); i < to; i++) {
            if (s[i] < 0 && s[i - 1] >= 0) {
              c++;
            }
          }
          before[part + 1] = c;
        };
    if (team == null) {
      counting.run(0, 0, n);
    } else {
      team.forParts(n, counting);
    }
    for (int p = 0; p < parts; p++) {
      before[p + 1] += before[p];
    }
    int[] lms = new int[before[parts]];
    InductionTeam.Part listing =
        (part, from, to) -> {
          int j = before[part];
          for (int i = Math.max(1, from); i < to; i++) {
            if (s[i] < 0 && s[i - 1] >= 0) {
              lms[j++] = i;
              isLms[i >>> 6] |= 1L << i;
            }
          }
        };
    if (team == null) {
      listing.run(0, 0, n);
    } else {
      team.forParts(n, listing);
    }
    return lms;
  }

  private static void forRanges(InductionTeam team, int n, InductionTeam.Range body) {
    if (team == null) {
      body.run(0, n);
    } else {
      team.forRanges(n, body);
    }
  }

  // Names each LMS substring by its rank among distinct LMS substrings; equal substrings (equal
  // tokens and types, same length) get equal names. recS[j] = name of the j-th LMS in text order.
  // Returns the largest name.
  private static int name(
      int[] s, int n, int[] ordinal, int[] lms, int[] sortedLms, int m, int[] recS) {
    int recUpper = 0;
    recS[ordinal[sortedLms[0] >> 1]] = 0;
    for (int i = 1; i < m; i++) {
      if (!sameLmsSubstring(s, n, ordinal, lms, m, sortedLms[i - 1], sortedLms[i])) {
        recUpper++;
      }
      recS[ordinal[sortedLms[i] >> 1]] = recUpper;
    }
    return recUpper;
  }

  // As name, in two parallel passes: which sorted LMS substrings differ from their predecessor (a
  // bit each; the comparisons are independent), then the names, a running count of those bits from
  // each range's count before it.
  private static int nameInParallel(
      int[] s,
      int n,
      int[] ordinal,
      int[] lms,
      int[] sortedLms,
      int m,
      int[] recS,
      InductionTeam team) {
    long[] differs = new long[(m + 63) >>> 6];
    team.forRanges(
        m,
        (from, to) -> {
          for (int i = Math.max(1, from); i < to; i++) {
            if (!sameLmsSubstring(s, n, ordinal, lms, m, sortedLms[i - 1], sortedLms[i])) {
              differs[i >>> 6] |= 1L << i;
            }
          }
        });
    // namesBefore[w]: set bits in the words before word w
    int[] namesBefore = new int[differs.length + 1];
    for (int w = 0; w < differs.length; w++) {
      namesBefore[w + 1] = namesBefore[w] + Long.bitCount(differs[w]);
    }
    team.forRanges(
        m,
        (from, to) -> {
          int name = namesBefore[from >>> 6];
          for (int i = from; i < to; i++) {
            if ((differs[i >>> 6] & (1L << i)) != 0) {
              name++;
            }
            recS[ordinal[sortedLms[i] >> 1]] = name;
          }
        });
    return namesBefore[differs.length];
  }

  // Whether the LMS substrings at l and r (from an LMS position to the next one, inclusive) are
  // equal: the same tokens with the same types, neither running into the end of the text.
  private static boolean sameLmsSubstring(
      int[] s, int n, int[] ordinal, int[] lms, int m, int l, int r) {
    int ordL = ordinal[l >> 1];
    int ordR = ordinal[r >> 1];
    int endL = ordL + 1 < m ? lms[ordL + 1] : n;
    int endR = ordR + 1 < m ? lms[ordR + 1] : n;
    if (endL - l != endR - r) {
      return false;
    }
    while (l < endL && s[l] == s[r]) {
      l++;
      r++;
    }
    return l == endL && l != n && r != n && s[l] == s[r];
  }

  // Suffix t as a scan entry: flagged when suffix t - 1 is S-type.
  private static int flagged(int[] s, int t) {
    return t > 0 && s[t - 1] < 0 ? t | S_TYPE : t;
  }

  // Places the LMS suffixes given (in order) at the start of their buckets' S-parts, then induces
  // the order of L-type suffixes left to right and of S-type suffixes right to left.
  private static void induce(
      int[] s,
      int n,
      int upper,
      int[] sa,
      int[] lms,
      int m,
      int[] sumL,
      int[] sumS,
      int[] buf,
      InductionTeam team) {
    System.arraycopy(sumS, 0, buf, 0, upper + 2);
    if (team != null && team.inducesBlocked(n)) {
      team.forRanges(n, (from, to) -> Arrays.fill(sa, from, to, -1));
      team.placeLms(s, sa, lms, m, buf);
      System.arraycopy(sumL, 0, buf, 0, upper + 2);
      sa[buf[s[n - 1] & VALUE]++] = n - 1;
      team.induceL(s, sa, n, buf);
      System.arraycopy(sumL, 0, buf, 0, upper + 2);
      team.induceS(s, sa, n, buf);
      return;
    }
    // The sequential scans. An entry is a suffix v, flagged in the sign bit when suffix v - 1 is
    // S-type (-1 is an empty slot, never a flagged entry: positions stay below 2^31 - 16). The flag
    // is set when v is written, from s[v - 1], next to s[v] which that step has just read; so a
    // scan knows without a random read of the text which entries induce nothing (about half).
    Arrays.fill(sa, 0, n, -1);
    for (int i = 0; i < m; i++) {
      int d = lms[i]; // the suffix before an LMS suffix is L-type: no flag
      sa[buf[s[d] & VALUE]++] = d;
    }
    System.arraycopy(sumL, 0, buf, 0, upper + 2);
    sa[buf[s[n - 1] & VALUE]++] = flagged(s, n - 1);
    int touched = 0;
    for (int i = 0; i < n; i++) {
      // Read ahead: start the cache miss for the suffix PREFETCH entries later now (if that entry
      // is rewritten meanwhile the read was wasted, never wrong).
      if (i + PREFETCH < n) {
        int ahead = sa[i + PREFETCH];
        if (ahead > 0) {
          touched += s[ahead - 1];
        }
      }
      int v = sa[i];
      if (v > 0) { // unflagged: suffix v - 1 is L-type
        int t = v - 1;
        sa[buf[s[t]]++] = flagged(s, t);
      }
    }
    System.arraycopy(sumL, 0, buf, 0, upper + 2);
    for (int i = n - 1; i >= 0; i--) {
      if (i >= PREFETCH) {
        int ahead = sa[i - PREFETCH];
        if (ahead < -1) {
          touched += s[(ahead & VALUE) - 1];
        }
      }
      int v = sa[i];
      if (v < -1) { // flagged: suffix v - 1 is S-type
        int t = (v & VALUE) - 1;
        sa[--buf[(s[t] & VALUE) + 1]] = flagged(s, t);
      }
    }
    sink = touched; // keeps the read-ahead loads alive
  }
}
