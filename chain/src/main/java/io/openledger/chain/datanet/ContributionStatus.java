package io.openledger.chain.datanet;

import java.util.Optional;

/** Where a contribution stands ({@code uint8} in the ABI). */
public enum ContributionStatus {
  /** Submitted, waiting for the datanet owner. */
  PENDING(1),
  /** Approved by the owner: part of the accepted set, in the next version. */
  ACCEPTED(2),
  /** Refused by the owner. */
  REJECTED(3);

  private final int code;

  ContributionStatus(int code) {
    this.code = code;
  }

  /** The ABI and storage value. */
  public int code() {
    return code;
  }

  /** The status with value {@code code}; empty for any other value. */
  public static Optional<ContributionStatus> of(int code) {
    for (ContributionStatus s : values()) {
      if (s.code == code) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Lower-case name as in messages, e.g. {@code "pending"}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
