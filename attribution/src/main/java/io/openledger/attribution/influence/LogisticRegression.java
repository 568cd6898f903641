package io.openledger.attribution.influence;

import java.util.Arrays;

/**
 * L2-regularized binary logistic regression trained to its optimum by Newton's method (spec section
 * 7). Examples are rows {@code x[j]} of {@code d} features; a constant 1 is appended, whose weight
 * (the bias) is not regularized; labels are -1 or +1. Example weights generalize training on a
 * subset (weight 1 in, 0 out).
 *
 * <p>Objective: {@code R(θ) = Σ_j w_j log(1 + exp(-y_j θ·x̃_j)) + (λ/2)‖θ_{0..d-1}‖²}.
 */
public final class LogisticRegression {
  /** Stop when the gradient's norm is below this times the number of examples. */
  static final double TOLERANCE = 1e-10;

  private static final int MAX_NEWTON_STEPS = 100;

  private final double[] theta; // [d + 1], bias last
  private final double lambda;

  private LogisticRegression(double[] theta, double lambda) {
    this.theta = theta;
    this.lambda = lambda;
  }

  /** Trains on all examples with weight 1. */
  public static LogisticRegression fit(double[][] x, int[] y, double lambda) {
    double[] w = new double[x.length];
    Arrays.fill(w, 1);
    return fit(x, y, w, lambda, null);
  }

  /**
   * Trains with example weights, starting from {@code start} (or zeros).
   *
   * @throws IllegalStateException if Newton's method does not converge
   */
  public static LogisticRegression fit(
      double[][] x, int[] y, double[] weights, double lambda, LogisticRegression start) {
    int d = x[0].length;
    double[] theta = start == null ? new double[d + 1] : start.theta.clone();
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    for (int step = 0; step < MAX_NEWTON_STEPS; step++) {
      double[] g = gradient(x, y, weights, theta, lambda);
      if (norm(g) < TOLERANCE * Math.max(1, total)) {
        return new LogisticRegression(theta, lambda);
      }
      double[][] h = hessian(x, y, weights, theta, lambda);
      double[] dir = Cholesky.factor(h).solve(g);
      // Newton step with backtracking on the objective (Newton alone can overshoot far from the
      // optimum).
      double f0 = objective(x, y, weights, theta, lambda);
      double t = 1;
      double[] next = new double[d + 1];
      while (true) {
        for (int i = 0; i <= d; i++) {
          next[i] = theta[i] - t * dir[i];
        }
        // accept within rounding of f0: near the optimum the objective no longer resolves steps
        if (objective(x, y, weights, next, lambda) <= f0 + 1e-12 * Math.max(1, Math.abs(f0))
            || t < 1e-8) {
          break;
        }
        t /= 2;
      }
      System.arraycopy(next, 0, theta, 0, d + 1);
    }
    throw new IllegalStateException("Newton's method did not converge in " + MAX_NEWTON_STEPS);
  }

  /** The parameters, bias last; a copy. */
  public double[] parameters() {
    return theta.clone();
  }

  public double lambda() {
    return lambda;
  }

  /** {@code θ·x̃}: the log-odds of label +1. */
  public double logit(double[] x) {
    return dot(theta, x);
  }

  /** {@code y θ·x̃}: positive when the prediction is right. */
  public double margin(double[] x, int y) {
    return y * logit(x);
  }

  /** Fraction of examples classified correctly. */
  public double accuracy(double[][] x, int[] y) {
    int right = 0;
    for (int j = 0; j < x.length; j++) {
      if (margin(x[j], y[j]) > 0) {
        right++;
      }
    }
    return right / (double) x.length;
  }

  /** Hessian of the objective at the optimum, all weights 1. */
  double[][] hessian(double[][] x, int[] y) {
    double[] w = new double[x.length];
    Arrays.fill(w, 1);
    return hessian(x, y, w, theta, lambda);
  }

  // θ·x̃ with x̃ = [x, 1]
  static double dot(double[] theta, double[] x) {
    double s = theta[x.length];
    for (int i = 0; i < x.length; i++) {
      s += theta[i] * x[i];
    }
    return s;
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  private static double objective(
      double[][] x, int[] y, double[] w, double[] theta, double lambda) {
    double f = 0;
    for (int j = 0; j < x.length; j++) {
      if (w[j] == 0) {
        continue;
      }
      double m = y[j] * dot(theta, x[j]);
      // log(1 + exp(-m)), stable
      f += w[j] * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)));
    }
    double r = 0;
    for (int i = 0; i < theta.length - 1; i++) {
      r += theta[i] * theta[i];
    }
    return f + lambda / 2 * r;
  }

  private static double[] gradient(
      double[][] x, int[] y, double[] w, double[] theta, double lambda) {
    int d = theta.length - 1;
    double[] g = new double[d + 1];
    for (int j = 0; j < x.length; j++) {
      if (w[j] == 0) {
        continue;
      }
      double m = y[j] * dot(theta, x[j]);
      double c = -w[j] * y[j] * sigmoid(-m); // d/dθ log(1+exp(-m)) = -y σ(-m) x̃
      double[] xj = x[j];
      for (int i = 0; i < d; i++) {
        g[i] += c * xj[i];
      }
      g[d] += c;
    }
    for (int i = 0; i < d; i++) {
      g[i] += lambda * theta[i];
    }
    return g;
  }

  // Σ_j w_j p_j (1-p_j) x̃_j x̃_jᵀ + λ I' (lower triangle filled, then mirrored)
  private static double[][] hessian(
      double[][] x, int[] y, double[] w, double[] theta, double lambda) {
    int d = theta.length - 1;
    int dd = d + 1;
    double[][] h = new double[dd][dd];
    double[] xt = new double[dd];
    for (int j = 0; j < x.length; j++) {
      if (w[j] == 0) {
        continue;
      }
      double p = sigmoid(dot(theta, x[j]));
      double c = w[j] * p * (1 - p);
      System.arraycopy(x[j], 0, xt, 0, d);
      xt[d] = 1;
      for (int a = 0; a < dd; a++) {
        double ca = c * xt[a];
        if (ca == 0) {
          continue;
        }
        double[] ha = h[a];
        for (int b = 0; b <= a; b++) {
          ha[b] += ca * xt[b];
        }
      }
    }
    for (int a = 0; a < d; a++) {
      h[a][a] += lambda;
    }
    for (int a = 0; a < dd; a++) {
      for (int b = a + 1; b < dd; b++) {
        h[a][b] = h[b][a];
      }
    }
    return h;
  }

  static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
