package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;

/**
 * What one attributed contribution earned from a fee: {@code floor(data × ppm / 1,000,000)}, paid
 * to its contributor, or to the treasury when the contributor is the payer.
 */
public record ContributionShare(
    long contributionId, Address contributor, long ppm, Amount amount, Address paidTo) {}
