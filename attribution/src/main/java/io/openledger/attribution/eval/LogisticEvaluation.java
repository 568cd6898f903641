package io.openledger.attribution.eval;

import io.openledger.attribution.influence.ExactInfluence;
import io.openledger.attribution.influence.KnnShapley;
import io.openledger.attribution.influence.LogisticRegression;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * How well influence attribution predicts the effect of training data, measured on Fashion-MNIST
 * T-shirt/top vs Shirt with logistic regression:
 *
 * <ul>
 *   <li>LDS, the linear datamodeling score (Park et al. 2023): retrain on {@code subsets} random
 *       halves of the training set; for each test example, the Spearman correlation across subsets
 *       between the sum of the subset's influence scores and the retrained model's margin; averaged
 *       over test examples.
 *   <li>AUC for finding mislabeled data: flip the labels of 10% of the training examples, train,
 *       and rank examples by their leave-one-out margin predicted by the influence function (also
 *       reported: by self-influence, by harm to the test margins, and by KNN-Shapley).
 * </ul>
 */
public final class LogisticEvaluation {
  /** What to run. */
  public record Config(
      int negativeClass,
      int positiveClass,
      int train,
      int test,
      int subsets,
      double lambda,
      int knnK,
      long seed) {
    /**
     * The default: T-shirt/top (0) vs Shirt (6), the first 2,000 training and 200 test images of
     * those classes, λ = 10, 100 random halves, K = 5 for KNN-Shapley.
     */
    public static final Config DEFAULT = new Config(0, 6, 2000, 200, 100, 10.0, 5, 2026);
  }

  /** The figures. */
  public record Report(
      Config config,
      double testAccuracy,
      double ldsExact,
      double ldsKnnShapley,
      double aucSelfInfluence,
      double aucLeaveOneOut,
      double aucTestHarm,
      double aucKnnShapley,
      double seconds) {}

  private LogisticEvaluation() {}

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

    log.accept("training on " + n + " examples, influence on " + m + " test examples");
    LogisticRegression full = LogisticRegression.fit(x, y, c.lambda());
    ExactInfluence inf = new ExactInfluence(full, x, y);
    double[][] exact = new double[m][];
    double[][] knn = new double[m][];
    for (int z = 0; z < m; z++) {
      exact[z] = inf.influenceOn(tx[z], ty[z]);
      knn[z] = KnnShapley.values(x, y, tx[z], ty[z], c.knnK());
    }

    log.accept("retraining on " + c.subsets() + " random halves");
    SplittableRandom r = new SplittableRandom(c.seed());
    double[][] actual = new double[m][c.subsets()];
    double[][] predExact = new double[m][c.subsets()];
    double[][] predKnn = new double[m][c.subsets()];
    for (int k = 0; k < c.subsets(); k++) {
      double[] w = half(n, r);
      LogisticRegression model = LogisticRegression.fit(x, y, w, c.lambda(), full);
      for (int z = 0; z < m; z++) {
        actual[z][k] = model.margin(tx[z], ty[z]);
        predExact[z][k] = sumIn(exact[z], w);
        predKnn[z][k] = sumIn(knn[z], w);
      }
    }
    double ldsExact = lds(predExact, actual);
    double ldsKnn = lds(predKnn, actual);

    log.accept("flipping 10% of the labels");
    int[] noisy = y.clone();
    boolean[] flipped = new boolean[n];
    int[] perm = permutation(n, new SplittableRandom(c.seed() + 1));
    for (int i = 0; i < n / 10; i++) {
      flipped[perm[i]] = true;
      noisy[perm[i]] = -noisy[perm[i]];
    }
    LogisticRegression noisyModel = LogisticRegression.fit(x, noisy, c.lambda());
    ExactInfluence noisyInf = new ExactInfluence(noisyModel, x, noisy);
    double[] self = noisyInf.selfInfluence();
    double[] loo = noisyInf.leaveOneOutMargins();
    for (int j = 0; j < n; j++) {
      loo[j] = -loo[j];
    }
    double[] harm = new double[n];
    double[] knnValue = new double[n];
    for (int z = 0; z < m; z++) {
      double[] iz = noisyInf.influenceOn(tx[z], ty[z]);
      double[] sz = KnnShapley.values(x, noisy, tx[z], ty[z], c.knnK());
      for (int j = 0; j < n; j++) {
        harm[j] -= iz[j];
        knnValue[j] -= sz[j];
      }
    }
    return new Report(
        c,
        full.accuracy(tx, ty),
        ldsExact,
        ldsKnn,
        Metrics.auc(self, flipped),
        Metrics.auc(loo, flipped),
        Metrics.auc(harm, flipped),
        Metrics.auc(knnValue, flipped),
        (System.nanoTime() - t0) / 1e9);
  }

  /** Mean over test examples of the Spearman correlation across subsets. */
  static double lds(double[][] predicted, double[][] actual) {
    double sum = 0;
    for (int z = 0; z < predicted.length; z++) {
      sum += Metrics.spearman(predicted[z], actual[z]);
    }
    return sum / predicted.length;
  }

  // weights 1 for a random half of the examples, 0 for the rest
  static double[] half(int n, SplittableRandom r) {
    int[] p = permutation(n, r);
    double[] w = new double[n];
    for (int i = 0; i < n / 2; i++) {
      w[p[i]] = 1;
    }
    return w;
  }

  static int[] permutation(int n, SplittableRandom r) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  static double sumIn(double[] scores, double[] w) {
    double s = 0;
    for (int j = 0; j < scores.length; j++) {
      s += scores[j] * w[j];
    }
    return s;
  }
}
