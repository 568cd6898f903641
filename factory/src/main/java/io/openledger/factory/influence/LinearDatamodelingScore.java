package io.openledger.factory.influence;

import io.openledger.attribution.eval.Metrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The linear datamodeling score (Park et al. 2023, TRAK, section 2.2): how well attribution scores,
 * added up over a subset of the training data, predict the model actually trained without the rest.
 * For random subsets {@code S} of contributions left out, the prediction is {@code Σ_{c ∈ S} h_c}
 * (leaving out helpful data raises the loss by about its helpfulness) and the truth is the held-out
 * loss of a model retrained without {@code S}; the score is Spearman's correlation of the two
 * across subsets: 1 is a perfect ranking, 0 no better than chance.
 */
public final class LinearDatamodelingScore {
  /** Retrains without the given contributions and returns the held-out loss. */
  @FunctionalInterface
  public interface Retraining {
    double retrainAndLoss(Set<Long> leftOut);
  }

  /**
   * The evaluation.
   *
   * @param subsets the contributions left out, per retraining
   * @param predicted {@code Σ_{c ∈ S} h_c} per subset
   * @param actual the retrained model's held-out loss per subset
   */
  public record Result(double lds, List<Set<Long>> subsets, double[] predicted, double[] actual) {}

  private LinearDatamodelingScore() {}

  /**
   * Retrains {@code subsets} times, each without a random {@code leaveOutFraction} of the
   * contributions (at least one, never all), drawn with {@code seed}.
   *
   * @param helpfulness signed helpfulness per contribution on the held-out loss (e.g. {@link
   *     InfluenceReport.ContributionInfluence#helpfulness()})
   */
  public static Result evaluate(
      Map<Long, Double> helpfulness,
      Retraining retraining,
      int subsets,
      double leaveOutFraction,
      long seed) {
    if (helpfulness.size() < 2) {
      throw new IllegalArgumentException("LDS needs at least 2 contributions");
    }
    if (subsets < 3) {
      throw new IllegalArgumentException("LDS needs at least 3 subsets, got " + subsets);
    }
    if (!(leaveOutFraction > 0 && leaveOutFraction < 1)) {
      throw new IllegalArgumentException(
          "leave-out fraction must be in (0, 1): " + leaveOutFraction);
    }
    List<Long> ids = new ArrayList<>(new TreeMap<>(helpfulness).keySet());
    int size =
        (int) Math.max(1, Math.min(ids.size() - 1, Math.round(leaveOutFraction * ids.size())));
    SplittableRandom random = new SplittableRandom(seed);
    List<Set<Long>> drawn = new ArrayList<>();
    double[] predicted = new double[subsets];
    double[] actual = new double[subsets];
    for (int s = 0; s < subsets; s++) {
      // partial Fisher-Yates: the first `size` of a seeded shuffle
      List<Long> order = new ArrayList<>(ids);
      for (int i = 0; i < size; i++) {
        int j = i + random.nextInt(order.size() - i);
        Long tmp = order.get(i);
        order.set(i, order.get(j));
        order.set(j, tmp);
      }
      Set<Long> leftOut = new TreeSet<>(order.subList(0, size));
      for (long c : leftOut) {
        predicted[s] += helpfulness.get(c);
      }
      actual[s] = retraining.retrainAndLoss(Collections.unmodifiableSet(leftOut));
      drawn.add(leftOut);
    }
    return new Result(Metrics.spearman(predicted, actual), List.copyOf(drawn), predicted, actual);
  }
}
