package io.openledger.attribution.influence;

import java.util.SplittableRandom;

/**
 * A small multilayer perceptron for binary classification: {@code d} inputs, one hidden layer of
 * {@code h} tanh units, one output logit. Trained by minibatch SGD with momentum on the logistic
 * loss with weight decay; every random choice (initialization, shuffling) comes from the seed, and
 * the order of operations is fixed, so the same seed and data give the same bits.
 *
 * <p>Parameters, flattened in this order: {@code W1 [h][d]}, {@code b1 [h]}, {@code w2 [h]}, {@code
 * b2}.
 */
public final class Mlp {
  /** Training settings. */
  public record Training(
      int hidden, int epochs, int batch, double learningRate, double momentum, double weightDecay) {
    /** 32 hidden units, 30 epochs of batches of 32, rate 0.05, momentum 0.9, decay 1e-4. */
    public static final Training DEFAULT = new Training(32, 30, 32, 0.05, 0.9, 1e-4);
  }

  private final int d;
  private final int h;
  private final double[] p; // flattened parameters

  private Mlp(int d, int h, double[] p) {
    this.d = d;
    this.h = h;
    this.p = p;
  }

  /** Number of parameters. */
  public int size() {
    return p.length;
  }

  /**
   * Trains on the examples whose weight is non-zero.
   *
   * @param y labels -1 or +1
   * @param include which examples to train on (null: all)
   */
  public static Mlp train(double[][] x, int[] y, boolean[] include, Training t, long seed) {
    int d = x[0].length;
    int h = t.hidden();
    SplittableRandom r = new SplittableRandom(seed);
    double[] p = new double[h * d + 2 * h + 1];
    double s1 = Math.sqrt(1.0 / d);
    for (int i = 0; i < h * d; i++) {
      p[i] = r.nextGaussian() * s1;
    }
    double s2 = Math.sqrt(1.0 / h);
    for (int k = 0; k < h; k++) {
      p[h * d + h + k] = r.nextGaussian() * s2;
    }
    Mlp m = new Mlp(d, h, p);
    int count = 0;
    for (int j = 0; j < x.length; j++) {
      if (include == null || include[j]) {
        count++;
      }
    }
    int[] idx = new int[count];
    for (int j = 0, c = 0; j < x.length; j++) {
      if (include == null || include[j]) {
        idx[c++] = j;
      }
    }
    double[] velocity = new double[p.length];
    double[] grad = new double[p.length];
    double[] hidden = new double[h];
    for (int epoch = 0; epoch < t.epochs(); epoch++) {
      for (int i = count - 1; i > 0; i--) {
        int k = r.nextInt(i + 1);
        int tmp = idx[i];
        idx[i] = idx[k];
        idx[k] = tmp;
      }
      for (int start = 0; start < count; start += t.batch()) {
        int end = Math.min(count, start + t.batch());
        java.util.Arrays.fill(grad, 0);
        for (int b = start; b < end; b++) {
          int j = idx[b];
          double logit = m.forward(x[j], hidden);
          // d/dlogit log(1 + exp(-y logit)) = -y σ(-y logit)
          double c = -y[j] * LogisticRegression.sigmoid(-y[j] * logit);
          m.addLogitGradient(x[j], hidden, c, grad);
        }
        double scale = 1.0 / (end - start);
        for (int i = 0; i < p.length; i++) {
          double g = grad[i] * scale + t.weightDecay() * p[i];
          velocity[i] = t.momentum() * velocity[i] - t.learningRate() * g;
          p[i] += velocity[i];
        }
      }
    }
    return m;
  }

  /** The output logit (log-odds of +1). */
  public double logit(double[] x) {
    return forward(x, new double[h]);
  }

  /** {@code y · logit}: positive when right. */
  public double margin(double[] x, int y) {
    return y * logit(x);
  }

  public double accuracy(double[][] x, int[] y) {
    int right = 0;
    for (int j = 0; j < x.length; j++) {
      if (margin(x[j], y[j]) > 0) {
        right++;
      }
    }
    return right / (double) x.length;
  }

  // hidden <- tanh(W1 x + b1); returns w2·hidden + b2
  private double forward(double[] x, double[] hidden) {
    int b1 = h * d;
    int w2 = b1 + h;
    double out = p[w2 + h];
    for (int k = 0; k < h; k++) {
      double z = p[b1 + k];
      int row = k * d;
      for (int i = 0; i < d; i++) {
        z += p[row + i] * x[i];
      }
      hidden[k] = Math.tanh(z);
      out += p[w2 + k] * hidden[k];
    }
    return out;
  }

  /** grad += c · ∂logit/∂θ at x, with {@code hidden} from the forward pass at x. */
  private void addLogitGradient(double[] x, double[] hidden, double c, double[] grad) {
    int b1 = h * d;
    int w2 = b1 + h;
    for (int k = 0; k < h; k++) {
      double a = hidden[k];
      double back = c * p[w2 + k] * (1 - a * a); // through tanh
      int row = k * d;
      for (int i = 0; i < d; i++) {
        grad[row + i] += back * x[i];
      }
      grad[b1 + k] += back;
      grad[w2 + k] += c * a;
    }
    grad[w2 + h] += c;
  }

  /** ∂logit/∂θ at x, flattened like the parameters. */
  public double[] logitGradient(double[] x) {
    double[] hidden = new double[h];
    forward(x, hidden);
    double[] g = new double[p.length];
    addLogitGradient(x, hidden, 1, g);
    return g;
  }
}
