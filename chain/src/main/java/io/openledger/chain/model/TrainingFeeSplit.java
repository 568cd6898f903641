package io.openledger.chain.model;

import io.openledger.chain.datanet.ContributionStanding;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How one datanet's training licence fee is paid when a model trained on one of its versions is
 * registered (docs/economy.md, "Training licence fees"):
 *
 * <pre>
 * line_i    = floor(fee × w_i / 1000000)      (w_i ppm, the weights sum to exactly 1,000,000)
 *   paid to   the datanet owner               when contribution i does not earn (penalized, barred)
 *             the treasury                    when its contributor is the registrant
 *             its contributor                 otherwise
 * remainder = fee − Σ line_i                  → the datanet owner
 * </pre>
 *
 * Integer arithmetic only; the lines and the remainder sum to the fee exactly.
 *
 * @param datanetId the datanet whose fee this is
 * @param fee its training fee, base units
 * @param owner the datanet's owner (receives the remainder and the shares that do not earn)
 * @param lines one per credited contribution, in the credits' order
 * @param remainder what the floors left, paid to {@code owner}
 */
public record TrainingFeeSplit(
    long datanetId, Amount fee, Address owner, List<Line> lines, Amount remainder) {

  /** Weights are parts per million; a datanet's credits sum to exactly this. */
  public static final int PPM = 1_000_000;

  public TrainingFeeSplit {
    lines = List.copyOf(lines);
  }

  /**
   * A contribution credited with a part of a datanet's training fee.
   *
   * @param contributionId the contribution
   * @param ppm its weight, 1..1,000,000
   * @param standing its contributor and whether it earns now
   */
  public record Credit(long contributionId, int ppm, ContributionStanding standing) {
    public Credit {
      Objects.requireNonNull(standing, "standing");
    }
  }

  /**
   * One credited contribution's part.
   *
   * @param contributionId the contribution
   * @param contributor its contributor
   * @param ppm its weight
   * @param amount {@code floor(fee × ppm / 1000000)}
   * @param paidTo its contributor, the treasury (the contributor registered the model) or the
   *     datanet owner (the contribution does not earn)
   * @param forfeited true when the contribution does not earn (paid to the owner)
   */
  public record Line(
      long contributionId,
      Address contributor,
      int ppm,
      Amount amount,
      Address paidTo,
      boolean forfeited) {}

  /**
   * The split of {@code fee} over {@code credits}.
   *
   * @param registrant who registers the model (and pays): its own contributions earn it nothing
   * @throws IllegalArgumentException when the credits are not a valid weighting ({@link
   *     #checkWeights})
   */
  public static TrainingFeeSplit of(
      long datanetId,
      Amount fee,
      Address owner,
      Address registrant,
      Address treasury,
      List<Credit> credits) {
    checkWeights(
        datanetId, credits.stream().map(c -> new Weight(c.contributionId(), c.ppm())).toList());
    List<Line> lines = new ArrayList<>(credits.size());
    Amount paid = Amount.ZERO;
    for (Credit c : credits) {
      Amount amount = fee.multiply(c.ppm()).divide(PPM);
      Address contributor = c.standing().contributor();
      Address paidTo;
      if (!c.standing().earns()) {
        paidTo = owner;
      } else if (contributor.equals(registrant)) {
        paidTo = treasury;
      } else {
        paidTo = contributor;
      }
      lines.add(
          new Line(
              c.contributionId(), contributor, c.ppm(), amount, paidTo, !c.standing().earns()));
      paid = paid.add(amount);
    }
    return new TrainingFeeSplit(datanetId, fee, owner, lines, fee.subtract(paid));
  }

  /** A contribution's weight, ppm, as given (not yet checked). */
  public record Weight(long contributionId, long ppm) {}

  /**
   * Every credit of one datanet names a distinct contribution with a weight of 1..1,000,000 ppm,
   * and the weights sum to exactly 1,000,000.
   *
   * @throws IllegalArgumentException naming the first problem
   */
  public static void checkWeights(long datanetId, List<Weight> credits) {
    Set<Long> seen = new HashSet<>();
    long sum = 0; // each at most 10^6 after the check, under 2^31 entries: no overflow
    for (Weight c : credits) {
      if (!seen.add(c.contributionId())) {
        throw new IllegalArgumentException(
            "contribution " + c.contributionId() + " is credited twice");
      }
      if (c.ppm() < 1 || c.ppm() > PPM) {
        throw new IllegalArgumentException(
            "contribution "
                + c.contributionId()
                + " has weight "
                + c.ppm()
                + " ppm (want 1..1000000)");
      }
      sum += c.ppm();
    }
    if (credits.isEmpty()) {
      throw new IllegalArgumentException(
          "no contribution of datanet " + datanetId + " is credited");
    }
    if (sum != PPM) {
      throw new IllegalArgumentException(
          "the weights of datanet " + datanetId + " sum to " + sum + " ppm, not 1000000");
    }
  }

  /** Every payout of this split: the lines, then the remainder (zero amounts kept). */
  public List<Payout> payouts() {
    List<Payout> out = new ArrayList<>(lines.size() + 1);
    for (Line l : lines) {
      out.add(new Payout(l.paidTo(), l.amount()));
    }
    out.add(new Payout(owner, remainder));
    return out;
  }

  /** The payouts of several splits summed per account, sorted by address, zeros left out. */
  public static List<Payout> merged(Collection<TrainingFeeSplit> splits) {
    List<Payout> all = new ArrayList<>();
    splits.forEach(s -> all.addAll(s.payouts()));
    return Payout.merge(all);
  }
}
