package io.openledger.attribution.influence;

import java.util.Arrays;

/**
 * Exact Shapley values of training examples for a K-nearest-neighbour classifier on one test
 * example (Jia et al. 2019, "Efficient task-specific data valuation for nearest neighbor
 * algorithms", Theorem 1): sort the training examples by distance to the test example (ties by
 * index), then, with {@code α_1..α_N} nearest first and {@code m(j) = 1} when {@code j}'s label is
 * the test label,
 *
 * <pre>
 *   s(α_N) = m(α_N) · min(K, N) / (N K)        (= m(α_N) / N when N >= K)
 *   s(α_i) = s(α_{i+1}) + (m(α_i) - m(α_{i+1})) / K * min(K, i) / i
 * </pre>
 *
 * O(N log N) per test example. Positive values help classify the test example correctly.
 */
public final class KnnShapley {
  private KnnShapley() {}

  /** Shapley value of every training example for the test example {@code (x, y)}. */
  public static double[] values(double[][] trainX, int[] trainY, double[] x, int y, int k) {
    int n = trainX.length;
    double[] dist = new double[n];
    Integer[] order = new Integer[n];
    for (int j = 0; j < n; j++) {
      double s = 0;
      double[] t = trainX[j];
      for (int i = 0; i < x.length; i++) {
        double d = t[i] - x[i];
        s += d * d;
      }
      dist[j] = s;
      order[j] = j;
    }
    Arrays.sort(order, (a, b) -> dist[a] != dist[b] ? Double.compare(dist[a], dist[b]) : a - b);
    double[] v = new double[n];
    int last = order[n - 1];
    // min(K, N) / (N K) equals the paper's 1/N when N >= K, and stays right for N < K
    v[last] = (trainY[last] == y ? 1.0 : 0.0) * Math.min(k, n) / ((double) n * k);
    for (int i = n - 1; i >= 1; i--) { // i is the 1-based rank of order[i - 1]
      int a = order[i - 1];
      int b = order[i];
      double ma = trainY[a] == y ? 1 : 0;
      double mb = trainY[b] == y ? 1 : 0;
      v[a] = v[b] + (ma - mb) / k * Math.min(k, i) / i;
    }
    return v;
  }
}
