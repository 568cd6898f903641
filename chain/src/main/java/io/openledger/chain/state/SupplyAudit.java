package io.openledger.chain.state;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.Collection;
import java.util.Optional;

/**
 * Checks that no OPEN was created or destroyed outside the rules: {@code balances + locked + burned
 * + bridged == 1,000,000,000 OPEN}. {@link #check} uses the counters kept in state (cheap: run it
 * after every block); {@link #fullScan} also adds up the balances of the given accounts and checks
 * the {@code balances} counter against that sum (tests, tools).
 */
public final class SupplyAudit {
  private SupplyAudit() {}

  /** Empty when the counters account for exactly the supply; else what is wrong. */
  public static Optional<String> check(StateReader state) {
    Supply s = state.supply();
    Amount accounted = s.accounted();
    if (accounted.equals(Supply.TOTAL)) {
      return Optional.empty();
    }
    return Optional.of(
        "supply invariant broken: balances "
            + s.balances()
            + " + locked "
            + s.locked()
            + " + burned "
            + s.burned()
            + " + bridged "
            + s.bridged()
            + " = "
            + accounted
            + ", want "
            + Supply.TOTAL);
  }

  /**
   * {@link #check}, plus: the sum of the balances of {@code accounts} equals the {@code balances}
   * counter. {@code accounts} must name every account that holds OPEN (each once).
   */
  public static Optional<String> fullScan(StateReader state, Collection<Address> accounts) {
    Optional<String> counters = check(state);
    if (counters.isPresent()) {
      return counters;
    }
    Amount sum = Amount.ZERO;
    for (Address a : accounts) {
      sum = sum.add(state.balance(a));
    }
    Amount counted = state.supply().balances();
    if (!sum.equals(counted)) {
      return Optional.of(
          "balances counter "
              + counted
              + " differs from the sum of "
              + accounts.size()
              + " account balances "
              + sum);
    }
    return Optional.empty();
  }
}
