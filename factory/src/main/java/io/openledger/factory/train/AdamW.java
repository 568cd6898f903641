package io.openledger.factory.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * AdamW exactly as {@code torch.optim.AdamW} (single-tensor path, float32): decoupled weight decay
 * first, then the bias-corrected Adam step.
 *
 * <pre>
 *   p  = p · (1 − lr·wd)                      (tensors with decay only)
 *   m  = m + (1 − β1)·(g − m)                 (torch's lerp)
 *   v  = v·β2 + (1 − β2)·g²
 *   p  = p − lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
 * </pre>
 *
 * The moments live in arrays of the parameters' layout; {@link #step()} counts the steps taken.
 */
public final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final List<int[]> ranges; // [offset, size, decays 0/1]
  private final float[] m;
  private final float[] v;
  private long step;

  /**
   * @param decays which tensors take weight decay (torch: one param group with weight_decay, one
   *     without)
   */
  public AdamW(
      Parameters params,
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      Predicate<Parameters.Segment> decays) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.ranges = new ArrayList<>();
    for (Parameters.Segment s : params.segments()) {
      ranges.add(new int[] {s.offset(), s.size(), decays.test(s) ? 1 : 0});
    }
    this.m = new float[params.size()];
    this.v = new float[params.size()];
  }

  /** torch's defaults: betas (0.9, 0.999), eps 1e-8. */
  public static AdamW standard(
      Parameters params, double weightDecay, Predicate<Parameters.Segment> decays) {
    return new AdamW(params, 0.9, 0.999, 1e-8, weightDecay, decays);
  }

  /** Applies one step with learning rate {@code lr} to {@code values} given {@code grad}. */
  public void update(float[] values, float[] grad, double lr) {
    step++;
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    float stepSize = (float) -(lr / bc1);
    float lerp = (float) (1 - beta1);
    float b2 = (float) beta2;
    float oneMinusB2 = (float) (1 - beta2);
    float bc2 = (float) bc2Sqrt;
    float e = (float) eps;
    float keep = (float) (1 - lr * weightDecay);
    for (int[] r : ranges) {
      boolean decay = r[2] == 1 && weightDecay != 0;
      for (int i = r[0]; i < r[0] + r[1]; i++) {
        float g = grad[i];
        float p = decay ? values[i] * keep : values[i];
        float mi = m[i] + lerp * (g - m[i]);
        float vi = v[i] * b2 + oneMinusB2 * g * g;
        m[i] = mi;
        v[i] = vi;
        float denom = (float) Math.sqrt(vi) / bc2 + e;
        values[i] = p + stepSize * (mi / denom);
      }
    }
  }

  /** Steps taken. */
  public long step() {
    return step;
  }

  /** First moments (for checkpoints), shared. */
  public float[] firstMoments() {
    return m;
  }

  /** Second moments (for checkpoints), shared. */
  public float[] secondMoments() {
    return v;
  }

  /** Restores a checkpoint's moments and step count. */
  public void restore(float[] first, float[] second, long steps) {
    if (first.length != m.length || second.length != v.length) {
      throw new IllegalArgumentException("checkpoint moments do not match the parameters");
    }
    System.arraycopy(first, 0, m, 0, m.length);
    System.arraycopy(second, 0, v, 0, v.length);
    this.step = steps;
  }
}
