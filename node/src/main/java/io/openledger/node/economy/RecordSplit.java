package io.openledger.node.economy;

import io.openledger.chain.datanet.ContributionStanding;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.ContributionShare;
import io.openledger.chain.inference.ContributionWeight;
import io.openledger.chain.inference.EarningAttribution;
import io.openledger.chain.inference.FeeParties;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.FeeSplit;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * Where every base unit of a record's fee went, recomputed from the record alone: the same split
 * the gate made when it served the request and the batcher posts.
 *
 * <p><b>The rule.</b> Fee rule version 1 splits {@code usage = fee − platformFee} and nothing else
 * of the request: the token counts and prices only enter through {@code usage}. A model's prices
 * can change after a record was made, so the split is recomputed from the record's signed {@code
 * fee}, never from the model's current prices: {@code usage = record.fee − platformFee}, split by
 * {@link FeeRuleV1} with the record's attribution. Whenever the current prices give the record's
 * fee this is exactly the split of the record's tokens at those prices; when they changed, it is
 * still the split the payer was charged for. The shares and the platform fee are protocol
 * parameters that governance may change (the parameter registry): a record is split with the values
 * in force in the state its batch is built on (docs/governance.md, "The registry steers").
 *
 * <p>The parties: the model's owner (never changes), the staking module's address (the stakers
 * share, paid into the record operator's stake pool when its batch is final), the treasury, and
 * each contribution's contributor from the datanet module (never changes).
 *
 * <p><b>Penalties.</b> The attribution is taken as it earns in the state the split is made on
 * ({@link EarningAttribution}, the chain's one eligibility rule, also used by the challenge
 * module's corrections): a penalized contribution, or one whose contributor reached the penalty
 * threshold, earns nothing and its part of the data share goes to the model owner like unattributed
 * weight ({@link #forfeited}).
 *
 * @param number the record's number
 * @param modelId the model served
 * @param modelOwner its owner
 * @param fee the fee split
 * @param credits every base unit of the fee with its account and role; they sum to the fee and,
 *     merged per account, give {@code fee.payouts()}
 * @param forfeited the record's contributions that earned nothing (penalized, or their contributor
 *     barred): their part is in the owner's credit
 */
public record RecordSplit(
    long number,
    long modelId,
    Address modelOwner,
    FeeSplit fee,
    List<Credit> credits,
    List<Attribution> forfeited) {

  /** Why an account was paid. */
  public enum Role {
    /**
     * The owner share, the rounding remainder and the unattributed part of the data share (with the
     * parts of forfeited contributions).
     */
    OWNER,
    /**
     * The stakers share, paid to the staking module's address ({@link StakingModule#ADDRESS}) and
     * from there into the operator's pool when the batch is final.
     */
    STAKERS,
    /** A contribution's part of the data share, paid to its contributor. */
    CONTRIBUTOR,
    /** The platform share, and contributions whose contributor was the payer. */
    TREASURY
  }

  /**
   * One part of a fee.
   *
   * @param contributionId the contribution this part is for (roles {@code CONTRIBUTOR}, and {@code
   *     TREASURY} when its contributor paid); 0 for none (contribution ids start at 1)
   */
  public record Credit(Address account, Role role, Amount amount, long contributionId) {
    public Credit {
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(amount, "amount");
    }
  }

  public RecordSplit {
    Objects.requireNonNull(modelOwner, "modelOwner");
    Objects.requireNonNull(fee, "fee");
    credits = List.copyOf(credits);
    forfeited = List.copyOf(forfeited);
  }

  /**
   * The split of {@code record} made on {@code state}: contributors and their standing read from
   * the datanet module ({@link EarningAttribution#of(StateReader, List)}).
   *
   * @throws IllegalArgumentException if the record's fee is below the platform fee, or a
   *     contribution of its attribution is not on chain
   */
  public static RecordSplit of(
      InferenceRecord record,
      FeeRuleV1 rule,
      Address modelOwner,
      Address treasury,
      StateReader state) {
    return of(
        record, rule, modelOwner, treasury, EarningAttribution.of(state, record.attribution()));
  }

  /**
   * The split of {@code record}.
   *
   * @param modelOwner the owner of the record's model
   * @param standingOf the contributor of a contribution id and whether it earns
   * @throws IllegalArgumentException if the record's fee is below the platform fee (no request
   *     under this rule costs less)
   */
  public static RecordSplit of(
      InferenceRecord record,
      FeeRuleV1 rule,
      Address modelOwner,
      Address treasury,
      LongFunction<ContributionStanding> standingOf) {
    return of(
        record,
        rule,
        modelOwner,
        treasury,
        EarningAttribution.of(record.attribution(), standingOf));
  }

  private static RecordSplit of(
      InferenceRecord record,
      FeeRuleV1 rule,
      Address modelOwner,
      Address treasury,
      EarningAttribution earning) {
    if (record.fee().lessThan(rule.platformFee())) {
      throw new IllegalArgumentException(
          "record "
              + record.number()
              + ": fee "
              + record.fee()
              + " is below the platform fee "
              + rule.platformFee()
              + "; the fee rule never charges less");
    }
    FeeParties parties =
        new FeeParties(record.payer(), modelOwner, StakingModule.ADDRESS, treasury);
    FeeSplit split = rule.splitFee(record.fee(), earning.weights(), parties);
    return new RecordSplit(
        record.number(),
        record.modelId(),
        modelOwner,
        split,
        credits(split, parties),
        earning.forfeited());
  }

  private static List<Credit> credits(FeeSplit s, FeeParties parties) {
    List<Credit> out = new ArrayList<>();
    add(out, new Credit(parties.treasury(), Role.TREASURY, s.platform(), 0));
    Amount owner = s.owner().add(s.rest()).add(s.unattributed());
    add(out, new Credit(parties.modelOwner(), Role.OWNER, owner, 0));
    add(out, new Credit(parties.stakers(), Role.STAKERS, s.stakers(), 0));
    for (ContributionShare c : s.contributions()) {
      Role role = c.paidTo().equals(c.contributor()) ? Role.CONTRIBUTOR : Role.TREASURY;
      add(out, new Credit(c.paidTo(), role, c.amount(), c.contributionId()));
    }
    return out;
  }

  private static void add(List<Credit> out, Credit c) {
    if (!c.amount().isZero()) {
      out.add(c);
    }
  }

  /**
   * The model's share of the attribution: 1,000,000 minus the contributions' weights, forfeited
   * ones included (their part is paid to the owner, but it is still their weight).
   */
  public long modelPpm() {
    long sum = 0;
    for (ContributionShare c : fee.contributions()) {
      sum += c.ppm();
    }
    for (Attribution a : forfeited) {
      sum += a.ppm();
    }
    return ContributionWeight.PPM - sum;
  }

  /** The credits merged per account: {@code fee().payouts()}. */
  public List<Payout> payouts() {
    return fee.payouts();
  }
}
