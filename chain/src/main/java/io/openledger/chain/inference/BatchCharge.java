package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.Objects;

/**
 * What a batch took from one payer, as the module keeps it so a challenge can refund it: a
 * correction lowers it by the refund, a void pays it all back to the payer's escrow.
 *
 * @param payer whose escrow paid
 * @param keyHash the API key's hash; zero for signed mode
 * @param amount base units still charged
 */
public record BatchCharge(Address payer, Hash keyHash, Amount amount) {
  static final int SIZE = Address.SIZE + Hash.SIZE + Fields.AMOUNT;

  public BatchCharge {
    Objects.requireNonNull(payer, "payer");
    Objects.requireNonNull(keyHash, "keyHash");
    Objects.requireNonNull(amount, "amount");
  }
}
