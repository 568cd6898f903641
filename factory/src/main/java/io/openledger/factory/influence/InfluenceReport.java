package io.openledger.factory.influence;

import io.openledger.attribution.influence.SketchKernel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Influence per contribution, from an {@link InfluenceRecord}: on the held-out set (what the
 * training fee is split by) and on any output's token sequence (scored against the sketches).
 *
 * <p>A contribution's helpfulness is the sum of its examples' (to first order, how much the loss
 * would rise if the whole contribution were left out); its mass is that sum where positive and 0
 * otherwise (only positive influence earns), and its share is its mass over all contributions'
 * mass. The clipping is per contribution, not per example: clipping each example would pay a
 * contribution of noise for the half of its large, random-signed gradients that happen to point the
 * helpful way (on the synthetic tests, a noisy contribution's clipped sum exceeded the clean ones'
 * while its net effect was harmful).
 */
public final class InfluenceReport {
  /** How a new gradient is scored against the recorded sketches. */
  public enum Method {
    /** DataInf in sketch space (the same estimator as the held-out influence). */
    DATAINF,
    /** The TRAK kernel over whole-gradient sketches, ridge 0.1 of the mean diagonal. */
    TRAK
  }

  /**
   * One contribution's influence.
   *
   * @param examples its training examples
   * @param helpfulness the signed sum of its examples' helpfulness (for evaluation, e.g. LDS)
   * @param mass {@code max(0, helpfulness)}
   * @param share {@code mass / Σ mass} (0 for all when no example helped)
   */
  public record ContributionInfluence(
      long contributionId, int examples, double helpfulness, double mass, double share) {}

  /** TRAK's ridge, relative to the kernel's mean diagonal (as {@code TrakInfluence.Config}). */
  static final double TRAK_RIDGE = 0.1;

  private final InfluenceRecord record;
  private final SketchSpace space;
  private SketchKernel trak; // built on first TRAK use

  public InfluenceReport(InfluenceRecord record) {
    this.record = record;
    this.space = SketchSpace.of(record);
  }

  /**
   * Influence on the held-out loss, ranked (largest mass first, then by id).
   *
   * @throws IllegalStateException when the record has no held-out helpfulness (no held-out
   *     examples): the caller splits by token share and says so
   */
  public List<ContributionInfluence> heldOut() {
    float[] h =
        record
            .heldOutHelpfulness()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no held-out influence was recorded (held-out examples: "
                            + record.heldOutExamples()
                            + ")"));
    double[] values = new double[h.length];
    for (int j = 0; j < h.length; j++) {
      values[j] = h[j];
    }
    return byContribution(values);
  }

  /**
   * Influence on one output: {@code testGradient} is {@code d(summed loss of the output's
   * tokens)/d(parameters)} at the trained parameters ({@code [dimension]}), as the trainer's {@code
   * lossAndGradient} gives it. Ranked, largest mass first.
   */
  public List<ContributionInfluence> scoreOutput(float[] testGradient) {
    return scoreOutput(testGradient, Method.DATAINF);
  }

  /** {@link #scoreOutput(float[])} with a chosen estimator. */
  public List<ContributionInfluence> scoreOutput(float[] testGradient, Method method) {
    return byContribution(exampleHelpfulness(testGradient, method));
  }

  /** Per training example, in example order. */
  public double[] exampleHelpfulness(float[] testGradient, Method method) {
    return switch (method) {
      case DATAINF -> space.helpfulness(testGradient);
      case TRAK -> {
        if (testGradient.length != record.dimension()) {
          throw new IllegalArgumentException(
              "test gradient of "
                  + testGradient.length
                  + " values, the model has "
                  + record.dimension());
        }
        yield trak().scores(space.wholeSketch(testGradient));
      }
    };
  }

  // factored once, on first use (k×k); reports may be shared between request threads
  private synchronized SketchKernel trak() {
    if (trak == null) {
      trak = SketchKernel.fit(space.wholeSketches(), TRAK_RIDGE);
    }
    return trak;
  }

  private List<ContributionInfluence> byContribution(double[] h) {
    long[] ids = record.contributionIds();
    Map<Long, double[]> acc = new TreeMap<>(); // id -> {examples, helpfulness, mass}
    for (int j = 0; j < ids.length; j++) {
      double[] a = acc.computeIfAbsent(ids[j], id -> new double[3]);
      a[0]++;
      a[1] += h[j];
    }
    double total = 0;
    for (double[] a : acc.values()) {
      a[2] = Math.max(0, a[1]);
      total += a[2];
    }
    List<ContributionInfluence> out = new ArrayList<>();
    for (Map.Entry<Long, double[]> e : acc.entrySet()) {
      double[] a = e.getValue();
      out.add(
          new ContributionInfluence(
              e.getKey(), (int) a[0], a[1], a[2], total > 0 ? a[2] / total : 0));
    }
    out.sort(
        Comparator.comparingDouble(ContributionInfluence::mass)
            .reversed()
            .thenComparingLong(ContributionInfluence::contributionId));
    return out;
  }
}
