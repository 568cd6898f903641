package io.openledger.factory.train;

/**
 * Global-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_}: the 2-norm of all
 * gradients together, and when it exceeds maxNorm every gradient times maxNorm / (norm + 1e-6)
 * (torch multiplies by the coefficient clamped to 1, which leaves small gradients unchanged).
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** The global 2-norm of {@code grad} (accumulated in double). */
  public static double norm(float[] grad) {
    double s = 0;
    for (float g : grad) {
      s += (double) g * g;
    }
    return Math.sqrt(s);
  }

  /** Clips {@code grad} in place to global norm {@code maxNorm}; returns the norm before. */
  public static double clip(float[] grad, double maxNorm) {
    double total = norm(grad);
    float coef = (float) (maxNorm / ((float) total + 1e-6));
    if (coef < 1f) {
      for (int i = 0; i < grad.length; i++) {
        grad[i] *= coef;
      }
    }
    return total;
  }
}
