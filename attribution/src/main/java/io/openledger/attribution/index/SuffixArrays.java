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
 * <p>Memory: for a text of n tokens, about 13n bytes besides the input at the top level (the array
 * returned, a type bit per token, an LMS map), and less at each recursion level.
 */
public final class SuffixArrays {
  private static final int NAIVE_BELOW = 16;

  private SuffixArrays() {}

  /**
   * The suffix array of {@code text}: {@code sa[r]} is the start of the suffix of rank {@code r}.
   *
   * @param text tokens, each in {@code [0, maxToken]}; not modified
   * @param maxToken the largest token value
   */
  public static int[] build(int[] text, int maxToken) {
    if (maxToken < 0) {
      throw new IllegalArgumentException("maxToken must be >= 0");
    }
    for (int i = 0; i < text.length; i++) {
      if (text[i] < 0 || text[i] > maxToken) {
        throw new IllegalArgumentException(
            "token " + text[i] + " at " + i + " outside [0, " + maxToken + "]");
      }
    }
    return sais(text, text.length, maxToken);
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

  // s[0..n) with values in [0, upper].
  private static int[] sais(int[] s, int n, int upper) {
    if (n < NAIVE_BELOW) {
      return naive(s, n);
    }
    int[] sa = new int[n];
    // ls[i]: suffix i is S-type (smaller than suffix i+1); the last suffix is L-type because the
    // virtual sentinel after it is smaller than every token.
    boolean[] ls = new boolean[n];
    for (int i = n - 2; i >= 0; i--) {
      ls[i] = s[i] == s[i + 1] ? ls[i + 1] : s[i] < s[i + 1];
    }
    // Bucket c spans [sumL[c], sumL[c+1]); its L-type suffixes come first, S-type from sumS[c].
    int[] sumL = new int[upper + 2];
    int[] sumS = new int[upper + 2];
    for (int i = 0; i < n; i++) {
      if (!ls[i]) {
        sumS[s[i]]++;
      } else {
        sumL[s[i] + 1]++;
      }
    }
    for (int c = 0; c <= upper; c++) {
      sumS[c] += sumL[c];
      sumL[c + 1] += sumS[c];
    }
    int[] buf = new int[upper + 2];

    // LMS positions (S-type with an L-type left neighbour), in text order.
    int[] lmsMap = new int[n + 1];
    Arrays.fill(lmsMap, -1);
    int m = 0;
    for (int i = 1; i < n; i++) {
      if (!ls[i - 1] && ls[i]) {
        lmsMap[i] = m++;
      }
    }
    int[] lms = new int[m];
    for (int i = 1, j = 0; i < n; i++) {
      if (!ls[i - 1] && ls[i]) {
        lms[j++] = i;
      }
    }

    induce(s, n, upper, ls, sa, lms, m, sumL, sumS, buf);

    if (m > 0) {
      // LMS positions in the order their LMS substrings were sorted by the first induction.
      int[] sortedLms = new int[m];
      int k = 0;
      for (int i = 0; i < n; i++) {
        int v = sa[i];
        if (lmsMap[v] != -1) {
          sortedLms[k++] = v;
        }
      }
      // Name each LMS substring; equal substrings get equal names.
      int[] recS = new int[m];
      int recUpper = 0;
      recS[lmsMap[sortedLms[0]]] = 0;
      for (int i = 1; i < m; i++) {
        int l = sortedLms[i - 1];
        int r = sortedLms[i];
        int endL = (lmsMap[l] + 1 < m) ? lms[lmsMap[l] + 1] : n;
        int endR = (lmsMap[r] + 1 < m) ? lms[lmsMap[r] + 1] : n;
        boolean same = true;
        if (endL - l != endR - r) {
          same = false;
        } else {
          while (l < endL) {
            if (s[l] != s[r]) {
              break;
            }
            l++;
            r++;
          }
          if (l == n || s[l] != s[r]) {
            same = false;
          }
        }
        if (!same) {
          recUpper++;
        }
        recS[lmsMap[sortedLms[i]]] = recUpper;
      }
      lmsMap = null; // let the collector have it before the recursion
      int[] recSa = sais(recS, m, recUpper);
      for (int i = 0; i < m; i++) {
        sortedLms[i] = lms[recSa[i]];
      }
      induce(s, n, upper, ls, sa, sortedLms, m, sumL, sumS, buf);
    }
    return sa;
  }

  // Places the LMS suffixes given (in order) at the ends of their buckets, then induces the order
  // of L-type suffixes left to right and of S-type suffixes right to left.
  private static void induce(
      int[] s,
      int n,
      int upper,
      boolean[] ls,
      int[] sa,
      int[] lms,
      int m,
      int[] sumL,
      int[] sumS,
      int[] buf) {
    Arrays.fill(sa, 0, n, -1);
    System.arraycopy(sumS, 0, buf, 0, upper + 2);
    for (int i = 0; i < m; i++) {
      int d = lms[i];
      if (d == n) {
        continue;
      }
      sa[buf[s[d]]++] = d;
    }
    System.arraycopy(sumL, 0, buf, 0, upper + 2);
    sa[buf[s[n - 1]]++] = n - 1;
    for (int i = 0; i < n; i++) {
      int v = sa[i];
      if (v >= 1 && !ls[v - 1]) {
        sa[buf[s[v - 1]]++] = v - 1;
      }
    }
    System.arraycopy(sumL, 0, buf, 0, upper + 2);
    for (int i = n - 1; i >= 0; i--) {
      int v = sa[i];
      if (v >= 1 && ls[v - 1]) {
        sa[--buf[s[v - 1] + 1]] = v - 1;
      }
    }
  }
}
