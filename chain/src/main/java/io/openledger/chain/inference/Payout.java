package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An amount earned by an account: one line of a fee split, or one {@code (address account, uint256
 * amount)} tuple of a batch.
 */
public record Payout(Address account, Amount amount) {
  public Payout {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(amount, "amount");
  }

  /**
   * The payouts summed per account, sorted by address, zero amounts left out: the form a fee split
   * and a batch carry.
   *
   * @throws ArithmeticException if an account's sum leaves uint256
   */
  public static List<Payout> merge(Collection<Payout> payouts) {
    Map<Address, Amount> sums = new TreeMap<>();
    for (Payout p : payouts) {
      sums.merge(p.account(), p.amount(), Amount::add);
    }
    return sums.entrySet().stream()
        .filter(e -> !e.getValue().isZero())
        .map(e -> new Payout(e.getKey(), e.getValue()))
        .toList();
  }

  /** The sum of the amounts. */
  public static Amount total(Collection<Payout> payouts) {
    Amount sum = Amount.ZERO;
    for (Payout p : payouts) {
      sum = sum.add(p.amount());
    }
    return sum;
  }
}
