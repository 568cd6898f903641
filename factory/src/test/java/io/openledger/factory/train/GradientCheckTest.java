package io.openledger.factory.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every gradient of both modes against central finite differences of the loss, on tiny seeded
 * models with parameters spread far from their initial values (so no gradient is trivially zero):
 * along a random direction within each tensor, and element by element for a few elements of each.
 *
 * <p>Tolerance: the loss is computed in float32 (about 1e-6 relative of a sum near 20, i.e. ~2e-5
 * absolute), so a difference quotient with step h carries ~2e-5/h of noise plus O(h²) truncation;
 * with h = 1e-2 both stay under 3e-3 absolute, and the check allows 2% relative on top.
 */
class GradientCheckTest {
  @TempDir static Path dir;
  static KernelPool pool;
  static Path base;
  static Path tiedBase;

  @BeforeAll
  static void setUp() {
    pool = new KernelPool(2);
    ModelSpec spec =
        new ModelSpec("grad-base", 320, 32, 48, 2, 4, 2, 64, 10000, false, false, "F32", 3);
    base = TestModels.writeModel(dir.resolve("base"), spec);
    tiedBase =
        TestModels.writeModel(
            dir.resolve("tied"), spec.withName("grad-tied").withTiedEmbeddings(true));
  }

  @AfterAll
  static void tearDown() {
    pool.close();
  }

  static TrainingConfig scratchConfig(boolean tied, int kvHeads) {
    return TrainingConfig.fromScratch(16, 2, 4, kvHeads, 24, 40)
        .withTiedEmbeddings(tied)
        .withBatch(16, 1);
  }

  /** Moves every parameter well away from the init: matrices N(0, 0.3²), vectors 1 + N(0, 0.2²). */
  static void spread(Trainable t, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = t.parameters().values();
    for (Parameters.Segment s : t.parameters().segments()) {
      boolean vector = !s.isMatrix();
      for (int i = s.offset(); i < s.offset() + s.size(); i++) {
        v[i] = (float) (vector ? 1 + 0.2 * r.nextGaussian() : 0.3 * r.nextGaussian());
      }
    }
  }

  static int[] tokens(int n, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(vocab);
    }
    return t;
  }

  @Test
  void scratchUntiedGqa() {
    try (ScratchTrainable t = ScratchTrainable.init(scratchConfig(false, 2), 11, pool)) {
      spread(t, 5);
      check(t, tokens(9, 40, 1));
    }
  }

  @Test
  void scratchTiedMultiHead() {
    try (ScratchTrainable t = ScratchTrainable.init(scratchConfig(true, 4), 12, pool)) {
      spread(t, 6);
      check(t, tokens(7, 40, 2));
    }
  }

  @Test
  void loraAllProjectionsUntiedGqa() {
    TrainingConfig cfg =
        TrainingConfig.lora(
            3,
            6,
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"));
    try (LoraTrainable t = LoraTrainable.init(base, cfg, pool)) {
      spread(t, 7);
      check(t, tokens(8, 320, 3));
    }
  }

  @Test
  void loraSubsetRsloraTiedBase() {
    TrainingConfig cfg = TrainingConfig.lora(2, 5, List.of("v_proj", "up_proj")).withRslora(true);
    try (LoraTrainable t = LoraTrainable.init(tiedBase, cfg, pool)) {
      assertThat(t.parameters().segments()).hasSize(2 * 2 * 2);
      spread(t, 8);
      check(t, tokens(6, 320, 4));
    }
  }

  @Test
  void loraFromASavedAdapter() {
    ModelSpec spec =
        new ModelSpec("grad-base", 320, 32, 48, 2, 4, 2, 64, 10000, false, false, "F32", 3);
    Path adapter =
        TestModels.writeAdapter(dir.resolve("adapter"), spec, AdapterSpec.allLinear(2, 9));
    try (LoraTrainable t = LoraTrainable.load(base, adapter, pool)) {
      assertThat(t.parameters().segments()).hasSize(2 * 7 * 2);
      check(t, tokens(7, 320, 5));
    }
  }

  @Test
  void gradientIsAddedAndIndependentOfThreads() {
    int[] tok = tokens(11, 40, 9);
    float[] g1;
    float[] g3;
    double l1;
    double l3;
    try (KernelPool one = new KernelPool(1);
        ScratchTrainable t = ScratchTrainable.init(scratchConfig(false, 2), 13, one)) {
      spread(t, 10);
      g1 = new float[t.parameters().size()];
      l1 = t.lossAndGradient(tok, g1);
      float[] twice = g1.clone();
      t.lossAndGradient(tok, twice);
      for (int i = 0; i < g1.length; i++) {
        // the second call adds its terms one by one onto the first result: equal up to rounding
        assertThat((double) twice[i]).isCloseTo(2.0 * g1[i], within(1e-5 * (1 + Math.abs(g1[i]))));
      }
    }
    try (KernelPool three = new KernelPool(3);
        ScratchTrainable t = ScratchTrainable.init(scratchConfig(false, 2), 13, three)) {
      spread(t, 10);
      g3 = new float[t.parameters().size()];
      l3 = t.lossAndGradient(tok, g3);
    }
    assertThat(l3).isEqualTo(l1);
    assertThat(g3).isEqualTo(g1);
  }

  /** Directional and element-wise central differences for every tensor. */
  static void check(Trainable t, int[] tokens) {
    Parameters p = t.parameters();
    float[] v = p.values();
    float[] g = new float[p.size()];
    double loss = t.lossAndGradient(tokens, g);
    assertThat(loss).isEqualTo(t.loss(tokens));
    SplittableRandom r = new SplittableRandom(tokens.length * 31L);
    double h = 1e-2;
    List<String> failures = new ArrayList<>();
    for (Parameters.Segment s : p.segments()) {
      // a random unit direction within the tensor
      double[] d = new double[s.size()];
      double norm = 0;
      for (int i = 0; i < d.length; i++) {
        d[i] = r.nextGaussian();
        norm += d[i] * d[i];
      }
      double analytic = 0;
      for (int i = 0; i < d.length; i++) {
        d[i] /= Math.sqrt(norm);
        analytic += d[i] * g[s.offset() + i];
      }
      double numeric = difference(t, tokens, v, s.offset(), d, h);
      compare(failures, s.name() + " along a direction", analytic, numeric);
      // the largest element and a random one
      int largest = 0;
      for (int i = 1; i < s.size(); i++) {
        if (Math.abs(g[s.offset() + i]) > Math.abs(g[s.offset() + largest])) {
          largest = i;
        }
      }
      for (int i : new int[] {largest, r.nextInt(s.size())}) {
        double[] e = new double[s.size()];
        e[i] = 1;
        compare(
            failures,
            s.name() + "[" + i + "]",
            g[s.offset() + i],
            difference(t, tokens, v, s.offset(), e, h));
      }
    }
    assertThat(failures).isEmpty();
  }

  private static void compare(List<String> failures, String what, double analytic, double numeric) {
    double err = Math.abs(analytic - numeric);
    if (err > 3e-3 + 0.02 * Math.abs(numeric)) {
      failures.add(what + ": analytic " + analytic + " vs numeric " + numeric);
    }
  }

  /** (L(θ + h·d) − L(θ − h·d)) / 2h with d applied to the floats at off. */
  private static double difference(
      Trainable t, int[] tokens, float[] v, int off, double[] d, double h) {
    float[] saved = new float[d.length];
    System.arraycopy(v, off, saved, 0, d.length);
    for (int i = 0; i < d.length; i++) {
      v[off + i] = (float) (saved[i] + h * d[i]);
    }
    double plus = t.loss(tokens);
    for (int i = 0; i < d.length; i++) {
      v[off + i] = (float) (saved[i] - h * d[i]);
    }
    double minus = t.loss(tokens);
    System.arraycopy(saved, 0, v, off, d.length);
    return (plus - minus) / (2 * h);
  }
}
