package io.openledger.attribution.eval;

import java.util.Arrays;

/** Rank correlation and ROC AUC, ties handled by average ranks. */
public final class Metrics {
  private Metrics() {}

  /** Spearman's rank correlation of two equally long samples (0 when either is constant). */
  public static double spearman(double[] a, double[] b) {
    return pearson(ranks(a), ranks(b));
  }

  static double pearson(double[] a, double[] b) {
    int n = a.length;
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < n; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= n;
    mb /= n;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < n; i++) {
      double x = a[i] - ma;
      double y = b[i] - mb;
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
    return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
  }

  /** 1-based ranks, ties get the mean of their ranks. */
  static double[] ranks(double[] v) {
    int n = v.length;
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (x, y) -> Double.compare(v[x], v[y]));
    double[] r = new double[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && v[idx[j + 1]] == v[idx[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[idx[k]] = rank;
      }
      i = j + 1;
    }
    return r;
  }

  /**
   * Area under the ROC curve of {@code scores} for finding the {@code positive} examples: the
   * probability that a random positive scores above a random negative (ties count half).
   */
  public static double auc(double[] scores, boolean[] positive) {
    double[] r = ranks(scores);
    long pos = 0;
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      if (positive[i]) {
        pos++;
        sum += r[i];
      }
    }
    long neg = scores.length - pos;
    if (pos == 0 || neg == 0) {
      throw new IllegalArgumentException("AUC needs positives and negatives");
    }
    return (sum - pos * (pos + 1) / 2.0) / (pos * (double) neg);
  }
}
