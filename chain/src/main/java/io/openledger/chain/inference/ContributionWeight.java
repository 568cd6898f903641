package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import java.util.Objects;

/**
 * One entry of a request's attribution as the fee rule takes it: a contribution, its contributor
 * (read from the datanet module) and its weight in parts per million.
 */
public record ContributionWeight(long contributionId, Address contributor, long ppm) {
  public static final long PPM = 1_000_000;

  /**
   * @throws IllegalArgumentException if the weight is negative or above 1,000,000
   */
  public ContributionWeight {
    Objects.requireNonNull(contributor, "contributor");
    if (ppm < 0 || ppm > PPM) {
      throw new IllegalArgumentException(
          "weight of contribution "
              + contributionId
              + " must be in 0.."
              + PPM
              + " ppm, got "
              + ppm);
    }
  }
}
