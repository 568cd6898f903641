package io.openledger.factory.influence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scoring outputs against the recorded sketches. */
class InfluenceReportTest {

  /**
   * An example repeated verbatim three times in one contribution (id 99): for a test point equal to
   * it (an unusual label, as text seen nowhere else), that contribution is the most influential.
   */
  @Test
  void aPlantedDuplicateRanksAmongTheMostInfluential() {
    LinearProblem p = new LinearProblem(6, 30, 4, Set.of(), 5);
    LinearProblem.Example planted = p.heldOut.get(7);
    for (int copy = 0; copy < 3; copy++) {
      p.train.add(new LinearProblem.Example(planted.x(), planted.y() + 3, 99));
    }
    double[] theta = p.fit(Set.of());
    List<LinearProblem.Example> held = new ArrayList<>(p.heldOut);
    InfluenceReport report =
        new InfluenceReport(
            InfluenceRecorder.measure(
                p.gradients(p.train, theta),
                p.gradients(held, theta),
                InfluenceRecorder.Config.DEFAULT));
    float[] test = LinearProblem.gradient(planted.x(), planted.y() + 3, theta);
    for (InfluenceReport.Method m : InfluenceReport.Method.values()) {
      List<InfluenceReport.ContributionInfluence> ranked = report.scoreOutput(test, m);
      // measured: first for both methods, with 95% (DataInf) and 97% (TRAK) of the positive mass
      assertThat(ranked.get(0).contributionId()).as(m.toString()).isEqualTo(99L);
      assertThat(ranked.get(0).share()).as(m.toString()).isGreaterThan(0.5);
    }
  }

  @Test
  void refusesAGradientOfAnotherLength() {
    LinearProblem p = new LinearProblem(6, 5, 2, Set.of(), 1);
    double[] theta = p.fit(Set.of());
    InfluenceReport report =
        new InfluenceReport(
            InfluenceRecorder.measure(
                p.gradients(p.train, theta),
                p.gradients(p.heldOut, theta),
                InfluenceRecorder.Config.DEFAULT));
    for (InfluenceReport.Method m : InfluenceReport.Method.values()) {
      assertThatThrownBy(() -> report.scoreOutput(new float[17], m))
          .hasMessageContaining("the model has 18");
    }
  }
}
