package io.openledger.chain.exec;

import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;

/**
 * How much OPEN an account still has locked (allocated to it, not yet claimed from vesting). Locked
 * OPEN is not in the balance, so it can never be spent; this is only used to tell a user why a
 * transaction fails ("transaction would spend locked (unvested) OPEN").
 */
@FunctionalInterface
public interface LockedBalances {
  LockedBalances NONE = (state, account) -> Amount.ZERO;

  /** Locked OPEN of {@code account} in base units. */
  Amount lockedOf(StateReader state, Address account);
}
