package io.openledger.chain.datanet;

import io.openledger.chain.types.Address;
import java.util.Objects;

/**
 * Whom a contribution credits and whether it earns from fees now ({@link DatanetModule#earns}): not
 * when it was penalized, nor when its contributor is barred by its penalty score.
 */
public record ContributionStanding(Address contributor, boolean earns) {
  public ContributionStanding {
    Objects.requireNonNull(contributor, "contributor");
  }
}
