package io.openledger.chain.inference;

import io.openledger.chain.types.Address;

/**
 * One entry of a record's attribution: a contribution and its weight in parts per million (uint64
 * id, uint32 ppm on the wire).
 */
public record Attribution(long contributionId, int ppm) {
  /**
   * @throws IllegalArgumentException if the id is negative or the weight outside 0..1,000,000
   */
  public Attribution {
    if (contributionId < 0) {
      throw new IllegalArgumentException("contribution id must not be negative: " + contributionId);
    }
    if (ppm < 0 || ppm > ContributionWeight.PPM) {
      throw new IllegalArgumentException(
          "weight of contribution " + contributionId + " must be in 0..1000000 ppm, got " + ppm);
    }
  }

  /** This entry with its contributor, as the fee rule takes it. */
  public ContributionWeight withContributor(Address contributor) {
    return new ContributionWeight(contributionId, contributor, ppm);
  }
}
