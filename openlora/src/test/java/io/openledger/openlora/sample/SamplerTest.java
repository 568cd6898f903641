package io.openledger.openlora.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.openlora.engine.SamplingParams;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

  static float[] logits(SplittableRandom r, int n) {
    float[] l = new float[n];
    for (int i = 0; i < n; i++) {
      l[i] = (float) (r.nextGaussian() * 3);
    }
    return l;
  }

  static double[] softmax(float[] l, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : l) {
      max = Math.max(max, v);
    }
    double[] p = new double[l.length];
    double s = 0;
    for (int i = 0; i < l.length; i++) {
      s += p[i] = Math.exp((l[i] - max) / t);
    }
    for (int i = 0; i < l.length; i++) {
      p[i] /= s;
    }
    return p;
  }

  @Test
  void greedyTakesTheArgmaxAndTheLowestIdOnTies() {
    Sampler s = new Sampler(SamplingParams.greedy(1), 0, 5);
    assertThat(s.next(new float[] {1, 3, 3, 2, 0}, 0)).isEqualTo(1);
    assertThat(s.next(new float[] {9, 9, 1, 5, 5, 7, 7}, 2)).isEqualTo(3);
  }

  @Test
  void logprobIsTheLogSoftmax() {
    SplittableRandom r = new SplittableRandom(3);
    for (int c = 0; c < 200; c++) {
      float[] l = logits(r, 50);
      Sampler s = new Sampler(SamplingParams.greedy(1), 0, 50);
      int t = s.next(l, 0);
      double[] p = softmax(l, 1);
      assertThat(s.logprob(l, 0, t))
          .as("case %d", c)
          .isCloseTo(Math.log(p[t]), org.assertj.core.data.Offset.offset(1e-6));
      int[] top = s.top(l, 0, 5);
      assertThat(top[0]).isEqualTo(t);
      for (int k = 1; k < 5; k++) {
        assertThat(l[top[k]]).isLessThanOrEqualTo(l[top[k - 1]]);
      }
    }
  }

  @Test
  void topKAndTopPNeverLeaveTheirSets() {
    SplittableRandom r = new SplittableRandom(4);
    for (int c = 0; c < 300; c++) {
      int n = 2 + r.nextInt(60);
      float[] l = logits(r, n);
      int k = 1 + r.nextInt(n);
      double p = 0.05 + r.nextDouble() * 0.95;
      double t = 0.2 + r.nextDouble() * 2;
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Float.compare(l[b], l[a]));
      // allowed: top-k by logit, then the smallest prefix whose tempered mass reaches p
      double[] probs = new double[k];
      double sum = 0;
      for (int i = 0; i < k; i++) {
        sum += probs[i] = Math.exp((l[order[i]] - l[order[0]]) / t);
      }
      int keep = k;
      double acc = 0;
      for (int i = 0; i < k; i++) {
        acc += probs[i] / sum;
        if (acc >= p) {
          keep = i + 1;
          break;
        }
      }
      java.util.Set<Integer> allowed =
          new java.util.HashSet<>(Arrays.asList(order).subList(0, keep));
      Sampler s = new Sampler(SamplingParams.sampled(t, c, 1).withTopK(k).withTopP(p), c, n);
      for (int draw = 0; draw < 20; draw++) {
        assertThat(allowed).as("case %d draw %d", c, draw).contains(s.next(l, 0));
      }
    }
  }

  @Test
  void temperatureSamplingFollowsTheTemperedDistribution() {
    float[] l = {2f, 1f, 0f, -1f, 0.5f};
    double t = 0.8;
    double[] p = softmax(l, t);
    Sampler s = new Sampler(SamplingParams.sampled(t, 42, 1), 42, l.length);
    int draws = 40_000;
    int[] counts = new int[l.length];
    for (int i = 0; i < draws; i++) {
      counts[s.next(l, 0)]++;
    }
    for (int i = 0; i < l.length; i++) {
      double sd = Math.sqrt(draws * p[i] * (1 - p[i]));
      assertThat((double) counts[i])
          .as("token %d", i)
          .isCloseTo(draws * p[i], org.assertj.core.data.Offset.offset(5 * sd + 1));
    }
  }

  @Test
  void theSameSeedGivesTheSameDraws() {
    SplittableRandom r = new SplittableRandom(6);
    float[] l = logits(r, 100);
    SamplingParams params = SamplingParams.sampled(1.0, 77, 1).withTopP(0.95);
    Sampler a = new Sampler(params, 77, 100);
    Sampler b = new Sampler(params, 77, 100);
    for (int i = 0; i < 100; i++) {
      assertThat(a.next(l, 0)).isEqualTo(b.next(l, 0));
    }
  }

  @Test
  void sortKeysOrderFloatsDescending() {
    SplittableRandom r = new SplittableRandom(7);
    for (int c = 0; c < 10_000; c++) {
      float x = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
      float y = r.nextInt(10) == 0 ? x : (float) (r.nextGaussian() * 10);
      assertThat(Integer.compare(Sampler.sortableDesc(x), Sampler.sortableDesc(y)))
          .as("case %d: %s vs %s", c, x, y)
          .isEqualTo(Integer.signum(Float.compare(y, x) == 0 ? 0 : Float.compare(y, x)));
    }
  }
}
