package io.openledger.chain.inference;

import io.openledger.chain.types.Amount;
import java.util.List;

/**
 * A fee and where every base unit of it goes (docs/economy.md, "The fee rule").
 *
 * @param fee usage + platform fee: what the payer is charged
 * @param usage {@code floor((in × priceIn + out × priceOut) / 1000)}
 * @param platform platform fee + the platform share of usage (to the treasury)
 * @param owner the owner share of usage (to the model owner)
 * @param stakers the stakers share of usage (to the operator)
 * @param data the data share of usage (split between the contributions)
 * @param rest usage minus the four shares' floors (to the model owner)
 * @param contributions per attributed contribution, in attribution order
 * @param payouts per account, summed, sorted by address, zero amounts left out; they sum to {@code
 *     fee}
 */
public record FeeSplit(
    Amount fee,
    Amount usage,
    Amount platform,
    Amount owner,
    Amount stakers,
    Amount data,
    Amount rest,
    List<ContributionShare> contributions,
    List<Payout> payouts) {
  public FeeSplit {
    contributions = List.copyOf(contributions);
    payouts = List.copyOf(payouts);
  }

  /** The part of the data share no contribution earned (it goes to the model owner). */
  public Amount unattributed() {
    Amount attributed = Amount.ZERO;
    for (ContributionShare c : contributions) {
      attributed = attributed.add(c.amount());
    }
    return data.subtract(attributed);
  }
}
