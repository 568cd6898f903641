package io.openledger.attribution;

import java.util.Objects;

/**
 * The share of one contribution in an attribution, in parts per million of the whole.
 *
 * @param contributionId the contribution's id as given when it was indexed (file name or JSONL id)
 * @param ppm parts per million, 1..1,000,000
 */
public record ContributionWeight(String contributionId, int ppm) {
  public ContributionWeight {
    Objects.requireNonNull(contributionId, "contributionId");
    if (ppm < 0 || ppm > PartsPerMillion.ONE) {
      throw new IllegalArgumentException("ppm out of range: " + ppm);
    }
  }
}
