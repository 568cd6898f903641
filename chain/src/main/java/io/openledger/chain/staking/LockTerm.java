package io.openledger.chain.staking;

import java.util.Optional;

/**
 * How long stake is locked: flexible (unbond at any time) or 30/90/180/365 lock-term days. Each
 * term is its own share class in a pool, with its own exchange rate and reward weight.
 */
public enum LockTerm {
  FLEXIBLE(0),
  DAYS_30(30),
  DAYS_90(90),
  DAYS_180(180),
  DAYS_365(365);

  private final int days;

  LockTerm(int days) {
    this.days = days;
  }

  public int days() {
    return days;
  }

  /** The term with ABI code {@code code} ({@code uint8}: 0 flexible, 1..4 the locks). */
  public static Optional<LockTerm> of(long code) {
    return code >= 0 && code < values().length
        ? Optional.of(values()[(int) code])
        : Optional.empty();
  }

  public int code() {
    return ordinal();
  }
}
