package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import java.util.Objects;

/**
 * Who pays a request and who earns from it besides the contributors.
 *
 * @param payer whose escrow pays
 * @param modelOwner the model's owner: the owner share, the rounding remainders, the unattributed
 *     part of the data share
 * @param stakers the stakers share: the staking module's address ({@code 0x…1006}), which pays it
 *     into the serving operator's stake pool when the batch is final (docs/staking.md)
 * @param treasury the platform share and the contributions of the payer itself
 */
public record FeeParties(Address payer, Address modelOwner, Address stakers, Address treasury) {
  public FeeParties {
    Objects.requireNonNull(payer, "payer");
    Objects.requireNonNull(modelOwner, "modelOwner");
    Objects.requireNonNull(stakers, "stakers");
    Objects.requireNonNull(treasury, "treasury");
  }
}
