package io.openledger.chain.challenge;

import java.util.Optional;

/** Where a challenge stands, with its ABI code ({@code uint8}). */
public enum ChallengeStatus {
  /** Filed, waiting for votes or an answer. */
  OPEN(1),
  /** The fault was found: the operator was slashed (or the contribution's bond taken). */
  UPHELD(2),
  /** The fault was not found: the bond went to the treasury. */
  REJECTED(3),
  /** Too little validator stake voted: the bond went back, nothing was slashed. */
  NO_QUORUM(4);

  private final int code;

  ChallengeStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<ChallengeStatus> of(long code) {
    for (ChallengeStatus s : values()) {
      if (s.code == code) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
