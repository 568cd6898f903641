package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import java.util.Objects;

/**
 * Who pays a request and who earns from it besides the contributors.
 *
 * @param payer whose escrow pays
 * @param modelOwner the model's owner: the owner share, the rounding remainders, the unattributed
 *     part of the data share
 * @param operator serves the model: the stakers share (until the staking issue adds its pool)
 * @param treasury the platform share and the contributions of the payer itself
 */
public record FeeParties(Address payer, Address modelOwner, Address operator, Address treasury) {
  public FeeParties {
    Objects.requireNonNull(payer, "payer");
    Objects.requireNonNull(modelOwner, "modelOwner");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(treasury, "treasury");
  }
}
