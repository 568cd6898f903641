package io.openledger.chain.inference;

import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.types.Amount;
import java.util.Objects;

/**
 * The protocol parameters the inference module reads (docs/economy.md, "Parameters"). They come
 * from the rules, never from a node's configuration.
 *
 * @param challengeWindow seconds after a batch is posted before it can be finalized
 * @param withdrawalDelay seconds between a withdrawal request and the withdrawal
 * @param revocationGrace seconds after a key's revocation during which its charges are accepted
 * @param shares how the usage part of each fee is shared
 * @param platformFee flat fee per request, base units, to the treasury
 */
public record InferenceParameters(
    long challengeWindow,
    long withdrawalDelay,
    long revocationGrace,
    FeeShares shares,
    Amount platformFee) {

  /** The defaults: 7-day challenge window, 14-day withdrawal delay and revocation grace. */
  public static final InferenceParameters DEFAULTS = EconomyParameters.DEFAULTS.inference();

  /** The devnet: the same shares, windows short enough to watch (60 s, 180 s, 180 s). */
  public static final InferenceParameters DEVNET = EconomyParameters.DEVNET.inference();

  /**
   * @throws IllegalArgumentException if a window is negative
   */
  public InferenceParameters {
    Objects.requireNonNull(shares, "shares");
    Objects.requireNonNull(platformFee, "platformFee");
    if (challengeWindow < 0 || withdrawalDelay < 0 || revocationGrace < 0) {
      throw new IllegalArgumentException(
          "inference windows must not be negative: challengeWindow "
              + challengeWindow
              + ", withdrawalDelay "
              + withdrawalDelay
              + ", revocationGrace "
              + revocationGrace);
    }
  }

  /** The fee rule these parameters define (version 1). */
  public FeeRuleV1 feeRule() {
    return new FeeRuleV1(shares, platformFee);
  }
}
