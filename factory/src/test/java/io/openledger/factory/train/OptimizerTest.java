package io.openledger.factory.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** AdamW, clipping and the schedule against values computed by hand from torch's formulas. */
class OptimizerTest {

  static Parameters twoTensors() {
    Parameters.Builder b = new Parameters.Builder();
    b.add("w", 1, 2); // decays
    b.add("norm", 1); // does not
    return b.build();
  }

  @Test
  void adamWFirstTwoStepsByHand() {
    Parameters p = twoTensors();
    float[] v = p.values();
    v[0] = 1.0f;
    v[1] = -2.0f;
    v[2] = 0.5f;
    AdamW opt = new AdamW(p, 0.9, 0.999, 1e-8, 0.1, Parameters.Segment::isMatrix);
    double lr = 0.01;
    // step 1, g = (0.5, -1, 2): m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g²: update = −lr·sign(g)
    // (up to eps), after decay p·(1 − lr·wd) = p·0.999 for the matrix only
    opt.update(v, new float[] {0.5f, -1f, 2f}, lr);
    assertThat((double) v[0]).isCloseTo(1.0 * 0.999 - 0.01, within(1e-6));
    assertThat((double) v[1]).isCloseTo(-2.0 * 0.999 + 0.01, within(1e-6));
    assertThat((double) v[2]).isCloseTo(0.5 - 0.01, within(1e-6));
    // step 2, g = (0.5, 1, 0): m = 0.9·0.1·g1 + 0.1·g2, v = 0.999·0.001·g1² + 0.001·g2²
    opt.update(v, new float[] {0.5f, 1f, 0f}, lr);
    double[] g1 = {0.5, -1, 2};
    double[] g2 = {0.5, 1, 0};
    double[] before = {1.0 * 0.999 - 0.01, -2.0 * 0.999 + 0.01, 0.5 - 0.01};
    for (int i = 0; i < 3; i++) {
      double m = 0.9 * 0.1 * g1[i] + 0.1 * g2[i];
      double s = 0.999 * 0.001 * g1[i] * g1[i] + 0.001 * g2[i] * g2[i];
      double mHat = m / (1 - 0.81);
      double denom = Math.sqrt(s) / Math.sqrt(1 - 0.999 * 0.999) + 1e-8;
      double decayed = i < 2 ? before[i] * (1 - lr * 0.1) : before[i];
      assertThat((double) v[i])
          .as("element %d", i)
          .isCloseTo(decayed - lr * mHat / denom, within(2e-6));
    }
    assertThat(opt.step()).isEqualTo(2);
  }

  @Test
  void zeroLearningRateOnlyMovesTheMoments() {
    Parameters p = twoTensors();
    float[] v = p.values();
    v[0] = 3f;
    AdamW opt = AdamW.standard(p, 0.1, s -> true);
    opt.update(v, new float[] {1f, 1f, 1f}, 0.0);
    assertThat(v[0]).isEqualTo(3f);
    assertThat(opt.firstMoments()[0]).isEqualTo(0.1f);
    assertThat(opt.secondMoments()[0]).isCloseTo(0.001f, within(1e-9f));
  }

  @Test
  void clippingScalesToTheMaxNormOnlyAboveIt() {
    float[] g = {3f, 4f};
    assertThat(GradientClipping.clip(g, 1.0)).isEqualTo(5.0);
    assertThat((double) g[0]).isCloseTo(0.6, within(1e-6));
    assertThat((double) g[1]).isCloseTo(0.8, within(1e-6));
    float[] small = {0.3f, 0.4f};
    assertThat(GradientClipping.clip(small, 1.0)).isCloseTo(0.5, within(1e-7));
    assertThat(small).containsExactly(0.3f, 0.4f);
  }

  @Test
  void cosineScheduleAsTransformers() {
    CosineSchedule s = new CosineSchedule(0.01, 2, 5, 0.0);
    // transformers: [0, 0.005, 0.01, 0.0075, 0.0025] (get_cosine_schedule_with_warmup(2, 5))
    double[] expected = {0.0, 0.005, 0.01, 0.0075, 0.0025};
    for (int i = 0; i < expected.length; i++) {
      assertThat(s.lr(i)).as("step %d", i).isCloseTo(expected[i], within(1e-15));
    }
    assertThat(s.lr(5)).isCloseTo(0.0, within(1e-15));
    // with a floor: factor · (1 − r) + r; the warm-up is unchanged
    CosineSchedule floor = new CosineSchedule(1.0, 4, 14, 0.1);
    assertThat(floor.lr(2)).isEqualTo(0.5);
    assertThat(floor.lr(4)).isEqualTo(1.0);
    assertThat(floor.lr(9)).isCloseTo(0.5 * 0.9 + 0.1, within(1e-12));
    assertThat(floor.lr(14)).isCloseTo(0.1, within(1e-12));
    // no warm-up: the first step runs at the peak
    assertThat(new CosineSchedule(0.3, 0, 10, 0).lr(0)).isEqualTo(0.3);
    assertThatThrownBy(() -> new CosineSchedule(1, -1, 10, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
