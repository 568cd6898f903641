package io.openledger.attribution.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.attribution.AttributionException.MissingResource;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact influence on logistic regression, measured on real data (Fashion-MNIST T-shirt/top vs
 * Shirt): LDS over 100 retrained halves at least 0.9, and finding 10% flipped labels with AUC at
 * least 0.9. Installs Debian's dataset-fashion-mnist when missing and running as root; otherwise
 * skips, saying what to install.
 */
class LogisticEvaluationTest {

  static FashionMnist data() {
    try {
      return FashionMnist.load();
    } catch (MissingResource e) {
      Assumptions.abort(e.getMessage());
      throw e;
    }
  }

  @Test
  void exactInfluenceMeetsTheTargets() {
    LogisticEvaluation.Report r =
        LogisticEvaluation.run(data(), LogisticEvaluation.Config.DEFAULT, line -> {});
    System.out.println("Fashion-MNIST logistic regression: " + r);
    assertThat(r.testAccuracy()).isGreaterThan(0.8);
    assertThat(r.ldsExact()).as("LDS of exact influence").isGreaterThanOrEqualTo(0.9);
    assertThat(r.aucLeaveOneOut()).as("AUC, 10%% flipped labels").isGreaterThanOrEqualTo(0.9);
    // the baselines are reported, and must at least beat chance
    assertThat(r.ldsKnnShapley()).isGreaterThan(0.1);
    assertThat(r.aucSelfInfluence()).isGreaterThan(0.7);
  }

  @Test
  void dataSetFilesAreRead() {
    FashionMnist d = data();
    assertThat(d.train().labels()).hasSize(60_000);
    assertThat(d.test().labels()).hasSize(10_000);
    assertThat(d.train().images()[0]).hasSize(784);
    // known first labels of the published files: Ankle boot, T-shirt/top
    assertThat(d.train().labels()[0]).isEqualTo(9);
    assertThat(d.train().labels()[1]).isEqualTo(0);
  }

  @Test
  void missingFilesSayWhatIsMissing(@TempDir Path empty) {
    assertThatThrownBy(() -> FashionMnist.load(empty))
        .isInstanceOf(MissingResource.class)
        .hasMessageContaining("not found in " + empty);
  }

  @Test
  void metricsOnKnownCases() {
    assertThat(
            Metrics.auc(
                new double[] {0.9, 0.8, 0.1, 0.2}, new boolean[] {true, true, false, false}))
        .isEqualTo(1.0);
    assertThat(Metrics.auc(new double[] {1, 1, 1, 1}, new boolean[] {true, false, true, false}))
        .isEqualTo(0.5);
    assertThat(Metrics.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 35, 100}))
        .isEqualTo(1.0);
    assertThat(Metrics.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1}))
        .isEqualTo(-1.0);
  }
}
