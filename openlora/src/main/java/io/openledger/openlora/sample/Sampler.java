package io.openledger.openlora.sample;

import io.openledger.openlora.engine.SamplingParams;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses next tokens for one sequence: greedy (argmax, lowest id on ties) or temperature sampling
 * restricted by top-k and top-p, drawn from the sequence's own seeded random stream, so a seeded
 * request gives the same tokens whatever else is in the batch. Scratch arrays are allocated once
 * per sequence.
 */
public final class Sampler {
  private final SamplingParams params;
  private final SplittableRandom random;
  private final int vocab;
  private long[] order; // (sortable logit bits << 32 | token) for top-k / top-p
  private float[] probs;
  private double lastLogSumExp;

  public Sampler(SamplingParams params, long seed, int vocab) {
    this.params = params;
    this.random = new SplittableRandom(seed);
    this.vocab = vocab;
  }

  /** The chosen token for logits[off .. off+vocab). */
  public int next(float[] logits, int off) {
    lastLogSumExp = logSumExp(logits, off, vocab);
    if (params.isGreedy()) {
      return argmax(logits, off, vocab);
    }
    return sample(logits, off);
  }

  /** ln p(token) under the model's own softmax of the last logits passed to {@link #next}. */
  public double logprob(float[] logits, int off, int token) {
    return logits[off + token] - lastLogSumExp;
  }

  /** The n most likely tokens of the last logits, most likely first (ties: lower id first). */
  public int[] top(float[] logits, int off, int n) {
    int[] best = new int[Math.min(n, vocab)];
    Arrays.fill(best, -1);
    for (int t = 0; t < vocab; t++) {
      float v = logits[off + t];
      int k = best.length - 1;
      if (best[k] >= 0 && !(v > logits[off + best[k]])) {
        continue;
      }
      while (k > 0 && (best[k - 1] < 0 || v > logits[off + best[k - 1]])) {
        best[k] = best[k - 1];
        k--;
      }
      best[k] = t;
    }
    return best;
  }

  static int argmax(float[] x, int off, int n) {
    int best = 0;
    float max = x[off];
    for (int i = 1; i < n; i++) {
      if (x[off + i] > max) {
        max = x[off + i];
        best = i;
      }
    }
    return best;
  }

  static double logSumExp(float[] x, int off, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[off + i]);
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += Math.exp(x[off + i] - max);
    }
    return max + Math.log(s);
  }

  private int sample(float[] logits, int off) {
    double invT = 1.0 / params.temperature();
    boolean restrict = params.topK() > 0 || params.topP() < 1;
    if (!restrict) {
      // plain temperature: inverse CDF over the whole vocabulary
      if (probs == null) {
        probs = new float[vocab];
      }
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < vocab; i++) {
        max = Math.max(max, logits[off + i]);
      }
      double sum = 0;
      for (int i = 0; i < vocab; i++) {
        sum += probs[i] = (float) Math.exp((logits[off + i] - max) * invT);
      }
      double u = random.nextDouble() * sum;
      double c = 0;
      for (int i = 0; i < vocab; i++) {
        if ((c += probs[i]) > u) {
          return i;
        }
      }
      return argmax(logits, off, vocab);
    }
    // sort by logit, descending; keep top-k, then the smallest prefix reaching top-p
    if (order == null) {
      order = new long[vocab];
      probs = new float[vocab];
    }
    for (int i = 0; i < vocab; i++) {
      order[i] = ((long) sortableDesc(logits[off + i]) << 32) | i;
    }
    Arrays.sort(order);
    int k = params.topK() > 0 ? Math.min(params.topK(), vocab) : vocab;
    float max = logits[off + (int) order[0]];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      sum += probs[i] = (float) Math.exp((logits[off + (int) order[i]] - max) * invT);
    }
    if (params.topP() < 1) {
      double c = 0;
      int keep = k;
      for (int i = 0; i < k; i++) {
        c += probs[i] / sum;
        if (c >= params.topP()) {
          keep = i + 1;
          break;
        }
      }
      k = keep;
      sum = 0;
      for (int i = 0; i < k; i++) {
        sum += probs[i];
      }
    }
    double u = random.nextDouble() * sum;
    double c = 0;
    for (int i = 0; i < k; i++) {
      if ((c += probs[i]) > u) {
        return (int) order[i];
      }
    }
    return (int) order[0];
  }

  /** An int whose signed order is the float's descending order. */
  static int sortableDesc(float f) {
    int bits = Float.floatToIntBits(f);
    int asc = bits >= 0 ? bits : bits ^ 0x7fffffff; // signed-int order == float order
    return ~asc; // ~x = -x - 1 reverses the order without overflow
  }
}
