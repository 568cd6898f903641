package io.openledger.chain.challenge;

import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.ContributionWeight;
import io.openledger.chain.inference.EarningAttribution;
import io.openledger.chain.inference.FeeParties;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.List;
import java.util.Optional;

/**
 * What a record puts into its batch, computed on chain the way the node's {@code RecordSplit} does:
 * fee rule 1 over a fee and an attribution, with the record's parties (its payer, the model's
 * owner, the staking module's address, the treasury, each contribution's contributor). The
 * challenge module removes a record's claimed split and adds its corrected one with it.
 */
public final class RecordPayouts {
  private RecordPayouts() {}

  /**
   * The payouts, merged per account; empty when the model or a contribution is unknown, or the fee
   * is below the platform fee (no split exists: the batch that holds such a record is voided).
   */
  public static Optional<List<Payout>> of(
      StateReader state,
      InferenceRecord record,
      Amount fee,
      List<Attribution> attribution,
      FeeRuleV1 rule,
      Address treasury) {
    Optional<Model> m = ModelModule.readModel(state, record.modelId());
    if (m.isEmpty()) {
      return Optional.empty();
    }
    // penalized contributions and barred contributors earn nothing, as in the node's split
    List<ContributionWeight> weights;
    try {
      weights = EarningAttribution.of(state, attribution).weights();
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a contribution not on chain
    }
    FeeParties parties =
        new FeeParties(record.payer(), m.get().owner(), StakingModule.ADDRESS, treasury);
    try {
      return Optional.of(rule.splitFee(fee, weights, parties).payouts());
    } catch (IllegalArgumentException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
