package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The fee rule, version 1 (docs/economy.md, "The fee rule (version 1)"):
 *
 * <pre>
 * usage    = floor((in × priceIn + out × priceOut) / 1000)
 * fee      = usage + platformFee
 * platform = platformFee + floor(usage × platformBps / 10000)  → treasury
 * owner    = floor(usage × ownerBps / 10000)                    → model owner
 * stakers  = floor(usage × stakersBps / 10000)                  → stakers (0x…1006)
 * data     = floor(usage × dataBps / 10000)                     → contributions
 * rest     = usage − the four floors                            → model owner
 * </pre>
 *
 * Contribution {@code i} gets {@code floor(data × w_i / 1000000)} (the treasury's when its
 * contributor is the payer); the rest of {@code data} goes to the model owner. Integer arithmetic
 * only, as Solidity's checked uint256: every intermediate value (each product, each sum) must fit
 * in 256 bits, else {@link ArithmeticException}; nothing wraps.
 */
public record FeeRuleV1(FeeShares shares, Amount platformFee) implements FeeRule {
  public static final int VERSION = 1;

  /** Prices are per this many tokens. */
  public static final long TOKENS_PER_PRICE = 1_000;

  public FeeRuleV1 {
    Objects.requireNonNull(shares, "shares");
    Objects.requireNonNull(platformFee, "platformFee");
  }

  @Override
  public int version() {
    return VERSION;
  }

  /** {@code floor((in × priceIn + out × priceOut) / 1000)}: the fee without the platform fee. */
  public Amount usage(Usage u) {
    Amount in = u.pricePerKIn().multiply(u.promptTokens());
    Amount out = u.pricePerKOut().multiply(u.completionTokens());
    return in.add(out).divide(TOKENS_PER_PRICE);
  }

  @Override
  public Amount fee(long inTokens, long outTokens, Amount priceIn, Amount priceOut) {
    return usage(new Usage(inTokens, outTokens, priceIn, priceOut)).add(platformFee);
  }

  @Override
  public FeeSplit split(Usage u, List<ContributionWeight> attribution, FeeParties parties) {
    return splitUsage(usage(u), attribution, parties);
  }

  @Override
  public FeeSplit splitFee(Amount fee, List<ContributionWeight> attribution, FeeParties parties) {
    if (fee.lessThan(platformFee)) {
      throw new IllegalArgumentException(
          "a fee of " + fee + " is below the platform fee " + platformFee);
    }
    return splitUsage(fee.subtract(platformFee), attribution, parties);
  }

  private FeeSplit splitUsage(
      Amount usage, List<ContributionWeight> attribution, FeeParties parties) {
    checkAttribution(attribution);
    Amount fee = usage.add(platformFee);
    Amount platformPart = bps(usage, shares.platformBps());
    Amount owner = bps(usage, shares.ownerBps());
    Amount stakers = bps(usage, shares.stakersBps());
    Amount data = bps(usage, shares.dataBps());
    Amount rest = usage.subtract(platformPart.add(owner).add(stakers).add(data));
    Amount platform = platformFee.add(platformPart);

    List<ContributionShare> contributions = new ArrayList<>(attribution.size());
    Amount attributed = Amount.ZERO;
    for (ContributionWeight w : attribution) {
      Amount amount = data.multiply(w.ppm()).divide(ContributionWeight.PPM);
      Address paidTo =
          w.contributor().equals(parties.payer()) ? parties.treasury() : w.contributor();
      contributions.add(
          new ContributionShare(w.contributionId(), w.contributor(), w.ppm(), amount, paidTo));
      attributed = attributed.add(amount);
    }
    Amount unattributed = data.subtract(attributed);

    List<Payout> lines = new ArrayList<>();
    lines.add(new Payout(parties.treasury(), platform));
    lines.add(new Payout(parties.modelOwner(), owner.add(rest).add(unattributed)));
    lines.add(new Payout(parties.stakers(), stakers));
    for (ContributionShare c : contributions) {
      lines.add(new Payout(c.paidTo(), c.amount()));
    }
    return new FeeSplit(
        fee, usage, platform, owner, stakers, data, rest, contributions, Payout.merge(lines));
  }

  private static Amount bps(Amount usage, int bps) {
    return usage.multiply(bps).divide(FeeShares.TOTAL_BPS);
  }

  private static void checkAttribution(List<ContributionWeight> attribution) {
    long sum = 0;
    Set<Long> seen = new HashSet<>();
    for (ContributionWeight w : attribution) {
      if (!seen.add(w.contributionId())) {
        throw new IllegalArgumentException(
            "contribution " + w.contributionId() + " appears twice in the attribution");
      }
      sum += w.ppm(); // each is at most 10^6 and a list has under 2^31 entries: no overflow
    }
    if (sum > ContributionWeight.PPM) {
      throw new IllegalArgumentException(
          "attribution weights sum to " + sum + " ppm, over " + ContributionWeight.PPM);
    }
  }
}
