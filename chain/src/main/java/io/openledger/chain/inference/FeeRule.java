package io.openledger.chain.inference;

import io.openledger.chain.types.Amount;
import java.util.List;

/**
 * How an inference fee is computed and split. Versioned: a change of the rule is a new
 * implementation, so records made under an old rule still check.
 */
public interface FeeRule {

  /** The rule's version (1 for {@link FeeRuleV1}). */
  int version();

  /**
   * The fee of a request with {@code inTokens} prompt and {@code outTokens} completion tokens at
   * the given prices (base units per 1,000 tokens).
   *
   * @throws ArithmeticException if a value leaves uint256
   */
  Amount fee(long inTokens, long outTokens, Amount priceIn, Amount priceOut);

  /**
   * The fee of {@code usage} and every payout it makes.
   *
   * @param attribution the request's attributed contributions; weights sum to at most 1,000,000
   * @throws IllegalArgumentException if the weights sum over 1,000,000 or a contribution appears
   *     twice
   * @throws ArithmeticException if a value leaves uint256
   */
  FeeSplit split(Usage usage, List<ContributionWeight> attribution, FeeParties parties);

  /**
   * The split of a fee already computed (a record's): the same as {@link #split} for the usage that
   * produced it, without needing the prices, which may have changed since.
   *
   * @throws IllegalArgumentException if the fee is below what every request pays (the platform fee)
   */
  FeeSplit splitFee(Amount fee, List<ContributionWeight> attribution, FeeParties parties);
}
