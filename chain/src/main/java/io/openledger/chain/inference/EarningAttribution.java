package io.openledger.chain.inference;

import io.openledger.chain.datanet.ContributionStanding;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.state.StateReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A record's attribution as the fee rule pays it (docs/economy.md, "Contribution bonds and
 * penalties"): the contributions that earn, with their contributors, and those that earn nothing
 * because {@link DatanetModule#earns} says so (penalized, or their contributor barred). A forfeited
 * contribution is left out of {@link #weights}, so {@link FeeRule} gives its part of the data share
 * to the model owner exactly as it does unattributed weight.
 *
 * <p>Every split of a record's fee takes its attribution from here: the node's (the gate, the
 * batcher, the read API) and the challenge module's corrections, so all compute the same payouts
 * from the same state.
 *
 * @param weights the earning contributions in the record's order, with their contributors
 * @param forfeited the contributions of the record that earn nothing, in the record's order
 */
public record EarningAttribution(List<ContributionWeight> weights, List<Attribution> forfeited) {
  public EarningAttribution {
    weights = List.copyOf(weights);
    forfeited = List.copyOf(forfeited);
  }

  /**
   * The attribution {@code attribution} as it earns in {@code state} (three slot reads per entry;
   * pass a {@code MeteredStateReader} inside a module to charge them).
   *
   * @throws IllegalArgumentException naming a contribution that is not on chain
   */
  public static EarningAttribution of(StateReader state, List<Attribution> attribution) {
    return of(
        attribution,
        id ->
            DatanetModule.standing(state, id)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "contribution " + id + " of the attribution is not on chain")));
  }

  /**
   * The attribution with each contribution's standing from {@code standingOf} (a cache, a test).
   */
  public static EarningAttribution of(
      List<Attribution> attribution, LongFunction<ContributionStanding> standingOf) {
    List<ContributionWeight> weights = new ArrayList<>(attribution.size());
    List<Attribution> forfeited = new ArrayList<>();
    for (Attribution a : attribution) {
      ContributionStanding s = standingOf.apply(a.contributionId());
      if (s.earns()) {
        weights.add(a.withContributor(s.contributor()));
      } else {
        forfeited.add(a);
      }
    }
    return new EarningAttribution(weights, forfeited);
  }

  /** The weight, ppm, of the forfeited contributions: paid to the model owner. */
  public long forfeitedPpm() {
    long sum = 0;
    for (Attribution a : forfeited) {
      sum += a.ppm();
    }
    return sum;
  }
}
