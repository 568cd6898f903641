package io.openledger.chain.staking;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;

/**
 * Whether a model may be served on paid requests, as a value: the reason reaches the API's 503 and
 * the batch's revert unchanged.
 */
public sealed interface TierCheck {

  /** The model's operator serves it and its pool covers what the operator's models need. */
  record Met(Address operator, Tier tier, Amount bonded, Amount required) implements TierCheck {}

  /** It may not be served on paid requests: {@code reason} says why. */
  record Unmet(String reason) implements TierCheck {}

  default boolean met() {
    return this instanceof Met;
  }
}
