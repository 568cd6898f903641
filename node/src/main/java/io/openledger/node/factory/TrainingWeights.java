package io.openledger.node.factory;

import io.openledger.chain.model.TrainingFeeSplit;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A datanet's training-fee weights in ppm from the contributions' masses (positive influence, or
 * tokens) (docs/cli.md, "model register --from"): each gets {@code floor(1000000 × mass / total)},
 * computed exactly (the masses as exact decimals); what the floors leave goes to the largest mass,
 * ties to the lowest contribution id; weights of 0 ppm are left out (the chain refuses them, and
 * they would earn nothing). The weights sum to exactly 1,000,000.
 */
public final class TrainingWeights {
  private TrainingWeights() {}

  /** A contribution's weight. */
  public record Weight(long contributionId, int ppm) {}

  /**
   * @param masses contribution id to its mass, each at least 0, the sum above 0
   * @return the weights in ascending contribution id
   */
  public static List<Weight> ppm(Map<Long, BigDecimal> masses) {
    BigDecimal total = BigDecimal.ZERO;
    for (BigDecimal m : masses.values()) {
      if (m.signum() < 0) {
        throw new IllegalArgumentException("a negative mass " + m);
      }
      total = total.add(m);
    }
    if (total.signum() == 0) {
      throw new IllegalArgumentException("the masses sum to 0");
    }
    BigDecimal million = BigDecimal.valueOf(TrainingFeeSplit.PPM);
    List<Long> ids = masses.keySet().stream().sorted().toList();
    long[] ppm = new long[ids.size()];
    long sum = 0;
    int largest = 0;
    for (int i = 0; i < ids.size(); i++) {
      BigDecimal m = masses.get(ids.get(i));
      ppm[i] = m.multiply(million).divide(total, 0, RoundingMode.FLOOR).longValueExact();
      sum += ppm[i];
      if (m.compareTo(masses.get(ids.get(largest))) > 0) {
        largest = i; // strictly larger: a tie keeps the lower id
      }
    }
    ppm[largest] += TrainingFeeSplit.PPM - sum;
    List<Weight> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (ppm[i] > 0) {
        out.add(new Weight(ids.get(i), (int) ppm[i]));
      }
    }
    return out;
  }
}
