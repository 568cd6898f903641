package io.openledger.factory.influence;

import io.openledger.factory.train.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A synthetic "model" whose per-example gradients are known exactly: ridge regression {@code min_θ
 * Σ_i ½(θᵀx_i − y_i)² + (α/2)‖θ‖²}, parameters split into three layers. Contributions are groups of
 * examples; some are noisy (labels replaced by large noise), so they raise the held-out loss.
 * Retraining without contributions is an exact solve.
 */
final class LinearProblem {
  record Example(double[] x, double y, long contributionId) {}

  static final double RIDGE = 1;

  final int layerWidth;
  final int dimension;
  final List<Example> train = new ArrayList<>();
  final List<Example> heldOut = new ArrayList<>();
  final Set<Long> noisy;

  /**
   * @param contributions ids 1..contributions, {@code perContribution} examples each
   * @param noisy the ids whose labels are noise
   */
  LinearProblem(
      int layerWidth, int contributions, int perContribution, Set<Long> noisy, long seed) {
    this.layerWidth = layerWidth;
    this.dimension = 3 * layerWidth;
    this.noisy = noisy;
    SplittableRandom r = new SplittableRandom(seed);
    double[] truth = new double[dimension];
    for (int a = 0; a < dimension; a++) {
      truth[a] = r.nextGaussian();
    }
    for (long c = 1; c <= contributions; c++) {
      for (int e = 0; e < perContribution; e++) {
        double[] x = features(r);
        double y = dot(truth, x) + 0.3 * r.nextGaussian();
        if (noisy.contains(c)) {
          y = 4 * Math.sqrt(dimension) * r.nextGaussian();
        }
        train.add(new Example(x, y, c));
      }
    }
    for (int e = 0; e < 60; e++) {
      double[] x = features(r);
      heldOut.add(new Example(x, dot(truth, x) + 0.3 * r.nextGaussian(), -1));
    }
  }

  private double[] features(SplittableRandom r) {
    double[] x = new double[dimension];
    for (int a = 0; a < dimension; a++) {
      x[a] = r.nextGaussian();
    }
    return x;
  }

  /** The ridge solution without the given contributions. */
  double[] fit(Set<Long> leftOut) {
    double[][] a = new double[dimension][dimension + 1];
    for (Example e : train) {
      if (leftOut.contains(e.contributionId())) {
        continue;
      }
      for (int p = 0; p < dimension; p++) {
        for (int q = 0; q < dimension; q++) {
          a[p][q] += e.x()[p] * e.x()[q];
        }
        a[p][dimension] += e.x()[p] * e.y();
      }
    }
    for (int p = 0; p < dimension; p++) {
      a[p][p] += RIDGE;
    }
    return solve(a);
  }

  /** {@code H⁻¹ t} with {@code H = Σ_i x_i x_iᵀ + αI}, the training objective's exact Hessian. */
  double[] solveHessian(float[] t) {
    double[][] a = new double[dimension][dimension + 1];
    for (Example e : train) {
      for (int p = 0; p < dimension; p++) {
        for (int q = 0; q < dimension; q++) {
          a[p][q] += e.x()[p] * e.x()[q];
        }
      }
    }
    for (int p = 0; p < dimension; p++) {
      a[p][p] += RIDGE;
      a[p][dimension] = t[p];
    }
    return solve(a);
  }

  /** Mean held-out loss ½(θᵀx − y)². */
  double heldOutLoss(double[] theta) {
    double s = 0;
    for (Example e : heldOut) {
      double res = dot(theta, e.x()) - e.y();
      s += 0.5 * res * res;
    }
    return s / heldOut.size();
  }

  /** Per-example loss gradients at {@code theta}. */
  ExampleGradients gradients(List<Example> examples, double[] theta) {
    List<Parameters.Segment> layers =
        List.of(
            new Parameters.Segment("w0", 0, new int[] {layerWidth}),
            new Parameters.Segment("w1", layerWidth, new int[] {layerWidth}),
            new Parameters.Segment("w2", 2 * layerWidth, new int[] {layerWidth}));
    return new ExampleGradients() {
      @Override
      public int examples() {
        return examples.size();
      }

      @Override
      public List<Parameters.Segment> layers() {
        return layers;
      }

      @Override
      public int dimension() {
        return dimension;
      }

      @Override
      public void gradient(int example, float[] into) {
        Example e = examples.get(example);
        float[] g = LinearProblem.gradient(e.x(), e.y(), theta);
        System.arraycopy(g, 0, into, 0, dimension);
      }

      @Override
      public long contributionId(int example) {
        return examples.get(example).contributionId();
      }
    };
  }

  // ∇θ ½(θᵀx − y)² = (θᵀx − y) x
  static float[] gradient(double[] x, double y, double[] theta) {
    double res = dot(theta, x) - y;
    float[] g = new float[x.length];
    for (int a = 0; a < x.length; a++) {
      g[a] = (float) (res * x[a]);
    }
    return g;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  // Gaussian elimination with partial pivoting on [A | b]
  private static double[] solve(double[][] a) {
    int n = a.length;
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
          pivot = r;
        }
      }
      double[] tmp = a[c];
      a[c] = a[pivot];
      a[pivot] = tmp;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k <= n; k++) {
          a[r][k] -= f * a[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = a[r][n];
      for (int k = r + 1; k < n; k++) {
        s -= a[r][k] * x[k];
      }
      x[r] = s / a[r][r];
    }
    return x;
  }
}
