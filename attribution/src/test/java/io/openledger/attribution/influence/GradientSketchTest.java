package io.openledger.attribution.influence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The projection against a materialised reference, and the Johnson-Lindenstrauss property. */
class GradientSketchTest {
  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  static float[] vector(SplittableRandom r, int d) {
    float[] v = new float[d];
    for (int i = 0; i < d; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /**
   * The documented matrix, built whole from java.util.SplittableRandom (whose n-th output from seed
   * {@code s} is SplitMix64's {@code mix64(s + (n+1)γ)}), so the stream is checked by an
   * independent generator.
   */
  static double[][] reference(long seed, int k, int d) {
    int words = (k + 63) / 64;
    SplittableRandom r = new SplittableRandom(GradientSketch.mix64(seed) - GAMMA);
    double[][] p = new double[k][d];
    for (int i = 0; i < d; i++) {
      for (int w = 0; w < words; w++) {
        long bits = r.nextLong();
        for (int b = 0; b < 64 && 64 * w + b < k; b++) {
          p[64 * w + b][i] = ((bits >>> b) & 1) == 0 ? 1 / Math.sqrt(k) : -1 / Math.sqrt(k);
        }
      }
    }
    return p;
  }

  @Test
  void matchesTheMaterialisedMatrix() {
    for (int k : new int[] {1, 64, 100, 200}) {
      float[] g = vector(new SplittableRandom(k), 37);
      g[5] = 0; // skipped coordinates still advance the stream position
      double[][] p = reference(99, k, 37);
      float[] got = new GradientSketch(99, k).project(g);
      for (int t = 0; t < k; t++) {
        double want = 0;
        for (int i = 0; i < 37; i++) {
          want += p[t][i] * g[i];
        }
        assertThat((double) got[t]).as("k %d row %d", k, t).isCloseTo(want, within(1e-5));
      }
    }
  }

  @Test
  void layersAddUpToTheWhole() {
    float[] g = vector(new SplittableRandom(3), 300);
    GradientSketch s = new GradientSketch(5, 96);
    List<DataInf.Layer> layers =
        List.of(
            new DataInf.Layer("a", 0, 100),
            new DataInf.Layer("b", 100, 150),
            new DataInf.Layer("c", 250, 50));
    float[] whole = s.project(g);
    float[] parts = s.projectLayers(g, layers);
    assertThat(parts).hasSize(3 * 96);
    for (int t = 0; t < 96; t++) {
      double sum = parts[t] + parts[96 + t] + parts[192 + t];
      assertThat(sum).isCloseTo(whole[t], within(1e-4));
    }
    assertThat(s.sketchLayers(layers).get(2)).isEqualTo(new DataInf.Layer("c", 192, 96));
  }

  /**
   * Rademacher JL (Achlioptas 2003): for a fixed unit vector, {@code P(|‖Px‖² − 1| > ε) ≤ 2
   * exp(−k(ε²/2 − ε³/3)/2)}; by polarisation, {@code |⟨Pu,Pv⟩ − ⟨u,v⟩| ≤ ε} for unit {@code u, v}
   * fails with probability at most 4 exp(…) = 7e-6 at k = 1024, ε = 0.25: over 40 pairs, 3e-4. The
   * inner product's variance is at most {@code 2/k}, so the mean squared error must also stay near
   * that (bound 3/k).
   */
  @Test
  void preservesInnerProductsWithinJohnsonLindenstrauss() {
    int d = 3000;
    int k = 1024;
    GradientSketch s = new GradientSketch(2026, k);
    SplittableRandom r = new SplittableRandom(17);
    double squared = 0;
    for (int pair = 0; pair < 40; pair++) {
      float[] u = unit(vector(r, d));
      float[] v = vector(r, d);
      // correlated pairs too: v = a·u + noise
      double a = pair % 4 * 0.3;
      for (int i = 0; i < d; i++) {
        v[i] = (float) (a * u[i] * Math.sqrt(d) + v[i]);
      }
      v = unit(v);
      double exact = dot(u, v);
      double sketched = dot(s.project(u), s.project(v));
      assertThat(sketched).as("pair %d", pair).isCloseTo(exact, within(0.25));
      squared += (sketched - exact) * (sketched - exact) / 40;
    }
    assertThat(squared).isLessThan(3.0 / k);
  }

  @Test
  void theSeedFixesTheProjection() {
    float[] g = vector(new SplittableRandom(8), 500);
    assertThat(new GradientSketch(1, 128).project(g))
        .isEqualTo(new GradientSketch(1, 128).project(g))
        .isNotEqualTo(new GradientSketch(2, 128).project(g));
  }

  @Test
  void kernelScoresAreTheWhitenedInnerProduct() {
    // Φ = [[1, 0], [0, 2]], ΦᵀΦ = diag(1, 4), ε = 1 · trace/k = 2.5: (ΦᵀΦ + εI)⁻¹ = diag(1/3.5,
    // 1/6.5)
    double[][] phi = {{1, 0}, {0, 2}};
    double[] scores = SketchKernel.fit(phi, 1).scores(new double[] {1, 1});
    assertThat(scores[0]).isCloseTo(1 / 3.5, within(1e-12));
    assertThat(scores[1]).isCloseTo(2 / 6.5, within(1e-12));
  }

  static float[] unit(float[] v) {
    double n = Math.sqrt(dot(v, v));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / n);
    }
    return out;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
