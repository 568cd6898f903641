package io.openledger.factory.train;

/**
 * The learning rate of each optimizer step as transformers' {@code get_cosine_schedule_with_warmup}
 * (and, with minLrRatio &gt; 0, {@code get_cosine_with_min_lr_schedule_with_warmup}): linear from 0
 * over the warm-up steps, then half a cosine from the peak down to peak · minLrRatio at totalSteps.
 *
 * @param peak the learning rate at the end of warm-up
 * @param minLrRatio where the cosine ends, as a share of the peak
 */
public record CosineSchedule(double peak, int warmupSteps, int totalSteps, double minLrRatio) {
  public CosineSchedule {
    if (warmupSteps < 0 || totalSteps < 1 || minLrRatio < 0 || minLrRatio > 1) {
      throw new IllegalArgumentException(
          "cosine schedule needs warmupSteps >= 0, totalSteps >= 1, minLrRatio in [0, 1]");
    }
  }

  /**
   * The learning rate of step {@code step} (0-based: step 0 is the first optimizer step, which has
   * lr 0 when there is a warm-up, as in transformers' LambdaLR).
   */
  public double lr(long step) {
    if (step < warmupSteps) {
      return peak * ((double) step / Math.max(1, warmupSteps));
    }
    double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    double factor = 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress));
    factor = factor * (1 - minLrRatio) + minLrRatio;
    return peak * Math.max(0.0, factor);
  }
}
