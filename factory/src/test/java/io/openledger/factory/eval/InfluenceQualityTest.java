package io.openledger.factory.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.openledger.factory.influence.InfluenceReport.ContributionInfluence;
import io.openledger.factory.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Influence on real text (Debian's fortunes; skipped where the package is not installed) against
 * planted ground truth.
 */
class InfluenceQualityTest {
  @TempDir Path tmp;

  private static void assumeFortunes(List<String> collections) {
    assumeTrue(
        Fortunes.present(Fortunes.DEBIAN_DIR, collections),
        "Debian's fortunes is not installed (apt-get install fortunes)");
  }

  @Test
  void fortunesSplitIntoDisjointContributionsAndHeldOut() {
    InfluenceQuality.Setup setup = InfluenceQuality.Setup.standard();
    assumeFortunes(setup.collections());
    InfluenceQuality.Corpus c = InfluenceQuality.corpus(Fortunes.DEBIAN_DIR, setup);
    assertThat(c.contributions()).hasSize(48);
    assertThat(c.heldOut()).hasSize(40);
    List<String> trained = c.fortunes().values().stream().flatMap(List::stream).toList();
    assertThat(trained).hasSize(48 * 5).doesNotHaveDuplicates();
    for (var d : c.heldOut()) {
      assertThat(trained).doesNotContain(d.text());
    }
  }

  /**
   * 16 contributions of 4 fortunes (linux, food), number 6 contributed twice (as 100); for each of
   * its four fortunes, as an output on its own, both copies must rank among the top three
   * (measured: they are the top two for all four). Not every quote of every setup passes: with
   * number 12 duplicated instead, one quote ranked the copies 2nd and 3rd (a contribution of 5 food
   * fortunes first); with 12 contributions and number 4 duplicated, a two-line quote gave both
   * copies negative helpfulness.
   */
  @Test
  void aDuplicatedContributionRanksAtTheTopForOutputsQuotingIt() {
    TrainingConfig cfg =
        TrainingConfig.fromScratch(64, 2, 4, 2, 128, 512)
            .withBatch(64, 8)
            .withSchedule(1, 5, 3e-3, 0.1)
            .withEpochs(4)
            .withRun(7, 2, 0.0, 0);
    InfluenceQuality.Setup setup =
        new InfluenceQuality.Setup(
            List.of("linux", "food"), List.of(), 8, 4, 0, 20, 400, cfg, Optional.empty());
    assumeFortunes(setup.collections());
    InfluenceQuality.DuplicateResult r =
        InfluenceQuality.plantedDuplicate(Fortunes.DEBIAN_DIR, setup, 6, 100, tmp);
    assertThat(r.rankings()).hasSize(4);
    for (int q = 0; q < r.quotes().size(); q++) {
      List<ContributionInfluence> ranking = r.rankings().get(q);
      assertThat(ranking).hasSize(17);
      for (long id : List.of(6L, 100L)) {
        assertThat(InfluenceQuality.DuplicateResult.rank(ranking, id))
            .as("rank of %d for the quote %s: %s", id, r.quotes().get(q), ranking.subList(0, 4))
            .isLessThanOrEqualTo(3);
        assertThat(ranking.get(InfluenceQuality.DuplicateResult.rank(ranking, id) - 1).mass())
            .isPositive();
      }
    }
    assertThat(r.worstRank()).isLessThanOrEqualTo(3);
  }

  /**
   * The linear datamodeling score on {@link InfluenceQuality.Setup#standard()} (LoRA on a base
   * pre-trained on other fortunes; 24 retrainings, about 4 minutes on two busy cores): run with
   * {@code ./mvnw -B -q -pl factory -am -Pslow -Dsurefire.failIfNoSpecifiedTests=false
   * -Dtest=InfluenceQualityTest test}.
   *
   * <p>Measured (2026-12-02): DataInf 0.718, token share 0.001, random 0.040 ± 0.246 over 200
   * draws; the indicator of the held-out collections (not an estimator) 0.793. Every run is
   * deterministic (seeds fixed, results independent of threads), so the bounds guard against
   * regressions, not noise: DataInf must stay above 0.4 (about two standard deviations of
   * Spearman's correlation between 24 unrelated pairs, 1/√23 ≈ 0.21), above the 95th percentile of
   * the random draws, and above token share.
   */
  @Test
  @Tag("slow")
  void dataInfPredictsRetrainedHeldOutLossBetterThanChance() {
    InfluenceQuality.Setup setup = InfluenceQuality.Setup.standard();
    assumeFortunes(setup.collections());
    assumeFortunes(setup.base().orElseThrow().collections());
    InfluenceQuality.LdsResult r =
        InfluenceQuality.lds(Fortunes.DEBIAN_DIR, setup, 24, 200, tmp, System.out);
    System.out.println(r.summary());
    assertThat(r.dataInf().subsets()).hasSize(24);
    assertThat(r.dataInfLds()).isGreaterThan(0.4);
    assertThat(r.dataInfLds()).isGreaterThan(r.randomQuantile(0.95));
    assertThat(r.dataInfLds()).isGreaterThan(r.tokenShareLds());
  }
}
