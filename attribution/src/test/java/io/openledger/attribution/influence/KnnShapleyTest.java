package io.openledger.attribution.influence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The O(N log N) recursion against the Shapley formula summed over every subset. */
class KnnShapleyTest {

  // KNN utility of subset mask for the test point: fraction of the (up to K) nearest with its label
  private static double utility(int mask, Integer[] byDistance, int[] y, int testY, int k) {
    int seen = 0;
    double right = 0;
    for (int idx : byDistance) {
      if ((mask & (1 << idx)) != 0 && seen < k) {
        seen++;
        if (y[idx] == testY) {
          right++;
        }
      }
    }
    return right / k;
  }

  @Test
  void matchesTheShapleyDefinition() {
    SplittableRandom r = new SplittableRandom(8);
    for (int c = 0; c < 200; c++) {
      int n = 2 + r.nextInt(8);
      int k = 1 + r.nextInt(4);
      double[][] x = new double[n][2];
      int[] y = new int[n];
      for (int j = 0; j < n; j++) {
        x[j][0] = r.nextDouble();
        x[j][1] = r.nextDouble();
        y[j] = r.nextBoolean() ? 1 : -1;
      }
      double[] t = {r.nextDouble(), r.nextDouble()};
      int ty = r.nextBoolean() ? 1 : -1;
      double[] fast = KnnShapley.values(x, y, t, ty, k);
      Integer[] order = new Integer[n];
      double[] dist = new double[n];
      for (int j = 0; j < n; j++) {
        order[j] = j;
        dist[j] = Math.pow(x[j][0] - t[0], 2) + Math.pow(x[j][1] - t[1], 2);
      }
      java.util.Arrays.sort(
          order, (a, b) -> dist[a] != dist[b] ? Double.compare(dist[a], dist[b]) : a - b);
      double[] fact = new double[n + 1];
      fact[0] = 1;
      for (int i = 1; i <= n; i++) {
        fact[i] = fact[i - 1] * i;
      }
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int mask = 0; mask < (1 << n); mask++) {
          if ((mask & (1 << j)) != 0) {
            continue;
          }
          int size = Integer.bitCount(mask);
          double weight = fact[size] * fact[n - size - 1] / fact[n];
          s +=
              weight * (utility(mask | (1 << j), order, y, ty, k) - utility(mask, order, y, ty, k));
        }
        assertThat(fast[j]).as("case %d example %d", c, j).isCloseTo(s, within(1e-12));
      }
    }
  }
}
