package io.openledger.attribution.influence;

/**
 * Cholesky factorization {@code A = L Lᵀ} of a symmetric positive definite matrix and solves with
 * it. Row-major {@code double[n][n]}; a fixed order of operations, so results are the same bits on
 * every run.
 */
final class Cholesky {
  private final double[][] l;
  private final int n;

  private Cholesky(double[][] l) {
    this.l = l;
    this.n = l.length;
  }

  /**
   * Factors {@code a} (only its lower triangle is read).
   *
   * @throws IllegalArgumentException if {@code a} is not positive definite
   */
  static Cholesky factor(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      double[] li = l[i];
      for (int j = 0; j <= i; j++) {
        double[] lj = l[j];
        double sum = a[i][j];
        for (int k = 0; k < j; k++) {
          sum -= li[k] * lj[k];
        }
        if (i == j) {
          if (!(sum > 0)) {
            throw new IllegalArgumentException("matrix is not positive definite (pivot " + i + ")");
          }
          li[i] = Math.sqrt(sum);
        } else {
          li[j] = sum / lj[j];
        }
      }
    }
    return new Cholesky(l);
  }

  /** Solves {@code A x = b}; returns a new array. */
  double[] solve(double[] b) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double sum = b[i];
      double[] li = l[i];
      for (int k = 0; k < i; k++) {
        sum -= li[k] * y[k];
      }
      y[i] = sum / li[i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double sum = y[i];
      for (int k = i + 1; k < n; k++) {
        sum -= l[k][i] * x[k];
      }
      x[i] = sum / l[i][i];
    }
    return x;
  }
}
