package io.openledger.chain.staking;

import java.util.Optional;

/**
 * A model's criticality tier: how much stake its operator must have bonded (the minimums are {@link
 * StakingParameters}). A model with no tier declared is {@link #EXPERIMENTAL}.
 */
public enum Tier {
  EXPERIMENTAL,
  STANDARD,
  CRITICAL;

  /** The tier with ABI code {@code code} ({@code uint8}: 0, 1, 2). */
  public static Optional<Tier> of(long code) {
    return code >= 0 && code < values().length
        ? Optional.of(values()[(int) code])
        : Optional.empty();
  }

  public int code() {
    return ordinal();
  }
}
