package io.openledger.chain.inference;

import static io.openledger.chain.datanet.EconomyChain.approve;
import static io.openledger.chain.datanet.EconomyChain.blob;
import static io.openledger.chain.datanet.EconomyChain.dev;
import static io.openledger.chain.datanet.EconomyChain.u;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.module.DirectCall;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attribution a split takes, read from the chain: a penalized contribution and every
 * contribution of a barred contributor leave the weights; the fee rule then pays their part to the
 * owner.
 */
class EarningAttributionTest {
  private static final DatanetModule MODULE = new DatanetModule(EconomyParameters.DEVNET);
  private static final Address OWNER = Address.ofLowBytes(0xa1);
  private static final Address TREASURY = Address.ofLowBytes(0xee);
  private static final Address PAYER = Address.ofLowBytes(0x99);

  private final EconomyChain c = new EconomyChain();
  private final KeyPair curator = dev(0);
  private final KeyPair alice = dev(2);
  private final KeyPair bob = dev(3);

  @Test
  void penalizedAndBarredContributionsLeaveTheWeightsAndTheOwnerGetsTheirPart() {
    long d = c.createDatanet(curator, "notes", Licence.COMMERCIAL_USE);
    long a1 = accepted(alice, d, "a1");
    long a2 = accepted(alice, d, "a2");
    long a3 = accepted(alice, d, "a3");
    long b1 = accepted(bob, d, "b1");
    List<Attribution> attribution =
        List.of(
            new Attribution(a1, 100_000),
            new Attribution(a2, 200_000),
            new Attribution(a3, 300_000),
            new Attribution(b1, 400_000));
    WorldState s = c.chain.states.open(c.chain.head().stateRoot(), c.chain.head().number());

    EarningAttribution all = EarningAttribution.of(s, attribution);
    assertThat(all.weights())
        .containsExactly(
            new ContributionWeight(a1, alice.address(), 100_000),
            new ContributionWeight(a2, alice.address(), 200_000),
            new ContributionWeight(a3, alice.address(), 300_000),
            new ContributionWeight(b1, bob.address(), 400_000));
    assertThat(all.forfeited()).isEmpty();

    penalize(s, a2);
    EarningAttribution one = EarningAttribution.of(s, attribution);
    assertThat(one.weights())
        .extracting(ContributionWeight::contributionId)
        .containsExactly(a1, a3, b1);
    assertThat(one.forfeited()).containsExactly(new Attribution(a2, 200_000));
    assertThat(one.forfeitedPpm()).isEqualTo(200_000);

    // usage 10,000 at the default shares: data 5,000; a2's 1,000 goes to the owner
    FeeRuleV1 rule = new FeeRuleV1(FeeShares.DEFAULT, Amount.ZERO);
    FeeParties parties = new FeeParties(PAYER, OWNER, Address.ofLowBytes(0x1006), TREASURY);
    FeeSplit split = rule.splitFee(Amount.of(10_000), one.weights(), parties);
    assertThat(split.payouts())
        .contains(
            new Payout(OWNER, Amount.of(2_000 + 1_000)),
            new Payout(alice.address(), Amount.of(500 + 1_500)),
            new Payout(bob.address(), Amount.of(2_000)));
    assertThat(Payout.total(split.payouts())).isEqualTo(Amount.of(10_000));

    // two more flags reach the threshold (3): none of alice's contributions earns
    penalize(s, a1);
    assertThat(EarningAttribution.of(s, attribution).weights()).hasSize(2);
    penalize(s, a3);
    EarningAttribution barred = EarningAttribution.of(s, attribution);
    assertThat(barred.weights())
        .containsExactly(new ContributionWeight(b1, bob.address(), 400_000));
    assertThat(barred.forfeitedPpm()).isEqualTo(600_000);

    assertThatThrownBy(() -> EarningAttribution.of(s, List.of(new Attribution(77, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contribution 77 of the attribution is not on chain");
  }

  private long accepted(KeyPair who, long datanet, String name) {
    long id = c.contributeOk(who, datanet, blob(name), 10);
    c.ok(curator, DatanetModule.ADDRESS, approve(id, 60));
    return id;
  }

  private void penalize(WorldState s, long id) {
    DirectCall.run(
        MODULE,
        s,
        ModuleRegistry.moduleAddress(7),
        c.chain.head().number() + 1,
        c.now() + 2,
        DatanetModule.PENALIZE.encodeCall(u(id)));
  }
}
