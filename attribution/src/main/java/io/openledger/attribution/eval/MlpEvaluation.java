package io.openledger.attribution.eval;

import io.openledger.attribution.influence.Mlp;
import io.openledger.attribution.influence.TrakInfluence;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * TRAK on a small multilayer perceptron, measured like {@link LogisticEvaluation}: the linear
 * datamodeling score over {@code subsets} random halves of the training set, each retrained from
 * its own seed. Published figures for comparison: TRAK on small MLPs about 0.33 with 10 models and
 * 0.45 with 50 (dattri benchmark, MNIST).
 */
public final class MlpEvaluation {
  /** What to run. */
  public record Config(
      int negativeClass,
      int positiveClass,
      int train,
      int test,
      int subsets,
      TrakInfluence.Config trak,
      long seed) {
    /**
     * T-shirt/top vs Shirt, 1,000 training and 100 test images, 100 halves, TRAK with 10 models.
     */
    public static final Config DEFAULT =
        new Config(0, 6, 1000, 100, 100, TrakInfluence.Config.DEFAULT, 2026);
  }

  /** The figures. */
  public record Report(Config config, double testAccuracy, double ldsTrak, double seconds) {}

  private MlpEvaluation() {}

  public static Report run(FashionMnist data, Config c, Consumer<String> log) {
    long t0 = System.nanoTime();
    FashionMnist.BinaryTask task =
        data.binaryTask(c.negativeClass(), c.positiveClass(), c.train(), c.test());
    double[][] x = task.train().x();
    int[] y = task.train().y();
    double[][] tx = task.test().x();
    int[] ty = task.test().y();
    int n = x.length;
    int m = tx.length;
    log.accept("TRAK with " + c.trak().models() + " models on " + n + " examples");
    double[][] tau = TrakInfluence.scores(x, y, tx, ty, c.trak());
    double accuracy = Mlp.train(x, y, null, c.trak().training(), c.seed()).accuracy(tx, ty);
    log.accept("retraining the MLP on " + c.subsets() + " random halves");
    SplittableRandom r = new SplittableRandom(c.seed());
    double[][] actual = new double[m][c.subsets()];
    double[][] predicted = new double[m][c.subsets()];
    for (int k = 0; k < c.subsets(); k++) {
      double[] w = LogisticEvaluation.half(n, r);
      boolean[] include = new boolean[n];
      for (int j = 0; j < n; j++) {
        include[j] = w[j] > 0;
      }
      Mlp model = Mlp.train(x, y, include, c.trak().training(), c.seed() + 17L * (k + 1));
      for (int z = 0; z < m; z++) {
        actual[z][k] = model.margin(tx[z], ty[z]);
        predicted[z][k] = LogisticEvaluation.sumIn(tau[z], w);
      }
    }
    return new Report(
        c, accuracy, LogisticEvaluation.lds(predicted, actual), (System.nanoTime() - t0) / 1e9);
  }
}
