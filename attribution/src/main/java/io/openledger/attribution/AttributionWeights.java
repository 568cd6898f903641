package io.openledger.attribution;

import java.util.List;

/**
 * The integer result handed to the chain: the contributions credited, in parts per million, and the
 * model's own share. {@code modelPpm + sum(contributions.ppm) == 1,000,000} always holds.
 *
 * @param version the attribution rules that produced it ({@link AttributionVersion})
 * @param contributions contributions with a share of at least 1 ppm, largest share first, ties by
 *     id in code point order
 * @param modelPpm the share credited to the model itself (unmatched text, rounding remainder)
 */
public record AttributionWeights(
    int version, List<ContributionWeight> contributions, int modelPpm) {
  public AttributionWeights {
    contributions = List.copyOf(contributions);
    long sum = modelPpm;
    for (ContributionWeight w : contributions) {
      sum += w.ppm();
    }
    if (modelPpm < 0 || sum != PartsPerMillion.ONE) {
      throw new IllegalArgumentException("weights must sum to 1,000,000 ppm, got " + sum);
    }
  }

  /** All weight to the model: nothing was attributed. */
  public static AttributionWeights allToModel(int version) {
    return new AttributionWeights(version, List.of(), PartsPerMillion.ONE);
  }

  /** The share of one contribution, 0 when it is not credited. */
  public int ppmOf(String contributionId) {
    for (ContributionWeight w : contributions) {
      if (w.contributionId().equals(contributionId)) {
        return w.ppm();
      }
    }
    return 0;
  }
}
