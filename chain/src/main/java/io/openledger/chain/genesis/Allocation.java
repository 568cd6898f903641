package io.openledger.chain.genesis;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.Optional;

/**
 * One line of the genesis allocation.
 *
 * @param category which share of the tokenomics it comes from
 * @param address who receives it (the beneficiary, for a vesting allocation)
 * @param amount base units
 * @param vesting explicit terms; empty means the category's default ({@link
 *     AllocationCategory#vesting()}); only devnets may differ from the default
 * @param label free text for people ("Community pool", "dev account 3")
 */
public record Allocation(
    AllocationCategory category,
    Address address,
    Amount amount,
    Optional<VestingTerms> vesting,
    String label) {

  /** The terms this allocation vests under; empty when it is unlocked at genesis. */
  public Optional<VestingTerms> effectiveVesting() {
    return vesting.isPresent() ? vesting : category.vesting();
  }
}
