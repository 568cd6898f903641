package io.openledger.chain.challenge;

import java.util.Optional;

/**
 * The faults a challenge can claim (docs/staking.md, "Challenges"), with their ABI codes ({@code
 * uint8}) and how each is decided.
 */
public enum ChallengeKind {
  /** The record's weights differ from what its output and the model's datanet indexes give. */
  WRONG_ATTRIBUTION(1, true),
  /** The record's token counts (so its fee) differ from the model's tokenizer on the texts. */
  WRONG_TOKEN_COUNT(2, true),
  /** The output is harmful or wrong: a stake-weighted vote of validators decides. */
  HARMFUL_OUTPUT(3, false),
  /** A paid request the operator never answered: its failure to post a record decides. */
  UNAVAILABILITY(4, false),
  /** A signed-mode record its payer never signed: the record's spend signature decides. */
  FABRICATED_USAGE(5, false),
  /** Accepted datanet data judged adversarial or redundant: a stake-weighted vote decides. */
  ADVERSARIAL_DATA(6, false);

  private final int code;
  private final boolean recomputed;

  ChallengeKind(int code, boolean recomputed) {
    this.code = code;
    this.recomputed = recomputed;
  }

  public int code() {
    return code;
  }

  /** True when every node decides it by recomputation ({@link RecordVerifier}), with no vote. */
  public boolean recomputed() {
    return recomputed;
  }

  /** True when validators decide it by a stake-weighted vote. */
  public boolean voted() {
    return this == HARMFUL_OUTPUT || this == ADVERSARIAL_DATA;
  }

  public static Optional<ChallengeKind> of(long code) {
    for (ChallengeKind k : values()) {
      if (k.code == code) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
