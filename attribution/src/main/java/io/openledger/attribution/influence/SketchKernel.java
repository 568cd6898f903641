package io.openledger.attribution.influence;

/**
 * The TRAK kernel over projected gradients (Park et al. 2023): with {@code Φ} the {@code [n, k]}
 * matrix of training sketches {@code φ_j}, the score of training example {@code j} for a test
 * sketch {@code φ_z} is {@code τ(z, j) = φ_jᵀ (ΦᵀΦ + εI)⁻¹ φ_z}, with {@code ε = ridge · trace(ΦᵀΦ)
 * / k} (the ridge relative to the kernel's mean diagonal). A positive score means {@code j}'s
 * gradient points the way {@code z}'s does, after whitening by the training gradients' covariance:
 * for loss gradients, training on {@code j} lowered {@code z}'s loss.
 */
public final class SketchKernel {
  private final double[][] phi; // [n][k]
  private final Cholesky kernel; // ΦᵀΦ + εI, [k, k]

  private SketchKernel(double[][] phi, Cholesky kernel) {
    this.phi = phi;
    this.kernel = kernel;
  }

  /**
   * Factors {@code ΦᵀΦ + εI} for these sketches (kept by reference, not copied).
   *
   * @throws IllegalArgumentException if there are no sketches, their lengths differ, or the ridge
   *     is not positive while {@code ΦᵀΦ} is singular
   */
  public static SketchKernel fit(double[][] phi, double ridge) {
    if (phi.length == 0) {
      throw new IllegalArgumentException("no training sketches");
    }
    int k = phi[0].length;
    for (double[] row : phi) {
      if (row.length != k) {
        throw new IllegalArgumentException(
            "sketches of different lengths: " + row.length + ", " + k);
      }
    }
    return new SketchKernel(phi, Cholesky.factor(gram(phi, ridge)));
  }

  /** {@code (ΦᵀΦ + εI)⁻¹ φ_z}: {@code [k] -> [k]}. */
  public double[] solve(double[] testSketch) {
    return kernel.solve(testSketch);
  }

  /** {@code τ(z, j)} for every training example {@code j}. */
  public double[] scores(double[] testSketch) {
    double[] v = solve(testSketch);
    double[] out = new double[phi.length];
    for (int j = 0; j < phi.length; j++) {
      double s = 0;
      double[] pj = phi[j];
      for (int i = 0; i < v.length; i++) {
        s += v[i] * pj[i];
      }
      out[j] = s;
    }
    return out;
  }

  // ΦᵀΦ + ε·mean(diag)·I (lower triangle accumulated, then mirrored)
  private static double[][] gram(double[][] phi, double ridge) {
    int k = phi[0].length;
    double[][] g = new double[k][k];
    for (double[] row : phi) {
      for (int a = 0; a < k; a++) {
        double ra = row[a];
        double[] ga = g[a];
        for (int b = 0; b <= a; b++) {
          ga[b] += ra * row[b];
        }
      }
    }
    double trace = 0;
    for (int a = 0; a < k; a++) {
      trace += g[a][a];
    }
    double eps = ridge * trace / k;
    for (int a = 0; a < k; a++) {
      g[a][a] += eps;
      for (int b = a + 1; b < k; b++) {
        g[a][b] = g[b][a];
      }
    }
    return g;
  }
}
