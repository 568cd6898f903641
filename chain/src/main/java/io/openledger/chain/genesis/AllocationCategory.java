package io.openledger.chain.genesis;

import io.openledger.chain.types.Amount;
import java.util.Locale;
import java.util.Optional;

/**
 * The tokenomics of DESIGN.md section 9: how the fixed 1,000,000,000 OPEN is split at genesis and
 * how each part vests. DESIGN.md rounds community to 51.7%; the published split is 51.71%, which is
 * what makes the five shares sum to exactly 100% (517,100,000 OPEN).
 */
public enum AllocationCategory {
  /** 51.71%, 48 months linear from genesis. */
  COMMUNITY(517_100_000L, Optional.of(VestingTerms.months(0, 48))),
  /** 18.29%, 12-month cliff then 36 months linear. */
  INVESTORS(182_900_000L, Optional.of(VestingTerms.months(12, 36))),
  /** 15%, 12-month cliff then 36 months linear. */
  TEAM(150_000_000L, Optional.of(VestingTerms.months(12, 36))),
  /** 10%, 48 months linear from genesis. */
  ECOSYSTEM(100_000_000L, Optional.of(VestingTerms.months(0, 48))),
  /** 5%, unlocked at genesis. */
  LIQUIDITY(50_000_000L, Optional.empty());

  private final long wholeOpen;
  private final Optional<VestingTerms> vesting;

  AllocationCategory(long wholeOpen, Optional<VestingTerms> vesting) {
    this.wholeOpen = wholeOpen;
    this.vesting = vesting;
  }

  /** This category's share of the supply, base units. */
  public Amount share() {
    return Amount.open(wholeOpen);
  }

  /** The share as a percentage with two decimals, e.g. {@code "51.71%"}. */
  public String percent() {
    long hundredths = wholeOpen / 100_000L; // 10,000,000 OPEN = 1%
    return hundredths / 100 + "." + String.format(Locale.ROOT, "%02d", hundredths % 100) + "%";
  }

  /** How this category vests by default; empty when it is unlocked at genesis. */
  public Optional<VestingTerms> vesting() {
    return vesting;
  }

  /** The name used in genesis files: lower case. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a genesis file's category name. */
  public static Optional<AllocationCategory> parse(String s) {
    for (AllocationCategory c : values()) {
      if (c.jsonName().equals(s)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
