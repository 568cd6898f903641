package io.openledger.chain.genesis;

import io.openledger.chain.governance.GovernedParameters;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.state.Supply;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules a genesis must meet: the allocation sums to exactly the supply and each category to its
 * share, each address gets at most one unlocked and one vesting allocation, vesting follows the
 * tokenomics (custom terms only on a devnet), and the parameters make sense.
 */
final class GenesisValidator {
  private GenesisValidator() {}

  static List<String> problems(Genesis g) {
    List<String> p = new ArrayList<>();
    parameters(g, p);
    p.addAll(GovernedParameters.of(g.economy()).genesisProblems());
    allocations(g, p);
    rewards(g, p);
    return p;
  }

  /**
   * Points only off mainnet; a distribution's pool must be a community address and its deadline
   * after genesis.
   */
  private static void rewards(Genesis g, List<String> p) {
    if (g.points().isPresent() && g.chainId() == Genesis.MAINNET_CHAIN_ID) {
      p.add(
          "points: testnet points are for testnets and devnets only, not chain id "
              + g.chainId()
              + " (mainnet): mainnet rewards come from a distributor section");
    }
    g.distributor()
        .ifPresent(
            d -> {
              boolean community =
                  g.allocations().stream()
                      .anyMatch(
                          a ->
                              a.category() == AllocationCategory.COMMUNITY
                                  && a.address().equals(d.returnTo()));
              if (!community) {
                p.add(
                    "distributor.returnTo: "
                        + d.returnTo()
                        + " is not the address of a community allocation (the unclaimed rest goes"
                        + " back to the community pool)");
              }
              if (g.timestamp() != 0 && d.deadline() <= g.timestamp()) {
                p.add(
                    "distributor.deadline "
                        + d.deadline()
                        + " is not after the genesis timestamp "
                        + g.timestamp());
              }
              if (d.root().equals(io.openledger.chain.types.Hash.ZERO)) {
                p.add("distributor.root is zero (want the root of the published list)");
              }
            });
  }

  private static void parameters(Genesis g, List<String> p) {
    if (g.chainId() <= 0) {
      p.add("chainId must be greater than 0");
    }
    if (g.gasLimit() < 21_000) {
      p.add("gasLimit must be at least 21000 (one transfer), got " + g.gasLimit());
    }
    if (g.blockTimeMs() <= 0) {
      p.add("blockTimeMs must be greater than 0");
    }
    if (g.initialBaseFee().lessThan(g.minimumBaseFee())) {
      p.add(
          "initialBaseFee "
              + g.initialBaseFee()
              + " is below minimumBaseFee "
              + g.minimumBaseFee());
    }
    if (g.allowCustomVesting()
        && (g.chainId() == Genesis.MAINNET_CHAIN_ID || g.chainId() == Genesis.TESTNET_CHAIN_ID)) {
      p.add("allowCustomVesting is for devnets only, not chain id " + g.chainId());
    }
  }

  private static void allocations(Genesis g, List<String> p) {
    Map<AllocationCategory, Amount> byCategory = new EnumMap<>(AllocationCategory.class);
    Map<Address, Integer> unlocked = new HashMap<>();
    Map<Address, Integer> vesting = new HashMap<>();
    Amount total = Amount.ZERO;
    for (int i = 0; i < g.allocations().size(); i++) {
      Allocation a = g.allocations().get(i);
      String where =
          "allocations[" + i + "] (" + a.category().jsonName() + ", " + a.address() + ")";
      total = total.add(a.amount());
      byCategory.merge(a.category(), a.amount(), Amount::add);
      if (a.address().equals(Address.ZERO)) {
        p.add(where + ": the zero address cannot receive an allocation");
      }
      if (ModuleRegistry.isReserved(a.address())) {
        p.add(where + ": address is in the reserved system-module range");
      } else if (a.address().equals(ModuleRegistry.MULTICALL3)) {
        p.add(where + ": address is the Multicall3 system module's");
      }
      Optional<VestingTerms> terms = a.effectiveVesting();
      Map<Address, Integer> seen = terms.isPresent() ? vesting : unlocked;
      Integer previous = seen.putIfAbsent(a.address(), i);
      if (previous != null) {
        p.add(
            where
                + ": duplicate address, already has "
                + (terms.isPresent() ? "a vesting" : "an unlocked")
                + " allocation at allocations["
                + previous
                + "]");
      }
      vestingTerms(g, a, where, p);
    }
    if (g.distributor().isPresent()) {
      // the distributor's OPEN is part of the community share
      Amount d = g.distributor().get().amount();
      total = total.add(d);
      byCategory.merge(AllocationCategory.COMMUNITY, d, Amount::add);
    }
    for (AllocationCategory c : AllocationCategory.values()) {
      Amount got = byCategory.getOrDefault(c, Amount.ZERO);
      if (!got.equals(c.share())) {
        p.add(
            "category "
                + c.jsonName()
                + " allocates "
                + got.toOpenString()
                + " OPEN, want exactly "
                + c.share().toOpenString()
                + " OPEN ("
                + c.percent()
                + " of the supply"
                + (c == AllocationCategory.COMMUNITY && g.distributor().isPresent()
                    ? ", the distributor's amount included"
                    : "")
                + ")");
      }
    }
    if (!total.equals(Supply.TOTAL)) {
      p.add(
          "allocations sum to "
              + total.toOpenString()
              + " OPEN, want exactly "
              + Supply.TOTAL.toOpenString()
              + " OPEN");
    }
  }

  private static void vestingTerms(Genesis g, Allocation a, String where, List<String> p) {
    if (a.vesting().isEmpty() || a.vesting().equals(a.category().vesting())) {
      return;
    }
    if (!g.allowCustomVesting()) {
      p.add(
          where
              + ": vesting differs from the "
              + a.category().jsonName()
              + " terms ("
              + describe(a.category().vesting())
              + "); custom vesting needs \"allowCustomVesting\": true (devnet only)");
    }
  }

  private static String describe(Optional<VestingTerms> t) {
    return t.map(v -> "cliff " + v.cliff() + " s, then " + v.duration() + " s linear")
        .orElse("unlocked");
  }
}
