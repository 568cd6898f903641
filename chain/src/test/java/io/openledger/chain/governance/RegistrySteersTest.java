package io.openledger.chain.governance;

import static io.openledger.chain.governance.GovernanceChain.GOV;
import static io.openledger.chain.governance.GovernanceChain.setParameter;
import static io.openledger.chain.governance.GovernanceChain.vote;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.governance.GovernanceChain.Call;
import io.openledger.chain.governance.GovernanceChain.Draft;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.staking.StakedModels;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parameter registry steers the economy: a value an executed proposal sets is what every module
 * enforces from the block of the execution on, and the genesis value holds until then (queued is
 * not executed). Devnet rules: challenge window 60 s, maxSubmissionBytes 5,000,000, contribution
 * bond 0.1 OPEN, fee shares 1000/2000/2000/5000.
 */
class RegistrySteersTest {
  private final GovernanceChain g = new GovernanceChain();
  private final KeyPair alice = EconomyChain.dev(0);
  private final KeyPair contributor = EconomyChain.dev(1);
  private final KeyPair payer = EconomyChain.dev(3);
  private final KeyPair operator = EconomyChain.dev(4);
  private final Hash key = Hash.keccak256(new byte[] {1});

  @Test
  void anExecutedProposalChangesWhatEveryModuleEnforcesAndNothingChangesBefore() {
    g.lockAndDelegate(alice, 20_000);
    new StakedModels(this::send)
        .stakedModel(EconomyChain.dev(9), EconomyChain.dev(6), operator, Amount.open(1_000));
    long datanet = g.c.createDatanet(contributor, "steered", 3);
    g.ok(payer, InferenceModule.ADDRESS, Amount.open(10), InferenceModule.DEPOSIT.encodeCall());
    g.ok(
        payer,
        InferenceModule.ADDRESS,
        Amount.ZERO,
        InferenceModule.REGISTER_API_KEY.encodeCall(key.toArray(), Amount.open(10).value()));

    Draft d =
        new Draft(
            List.of(GovernanceChain.PARAMS, GovernanceChain.PARAMS, GovernanceChain.PARAMS),
            List.of(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO),
            List.of(
                setParameter("maxSubmissionBytes", 1_000),
                setParameter("challengeWindow", 30),
                setParameter("contributionBond", 500_000_000_000_000_000L)),
            "tighter submissions, a shorter challenge window, a 0.5 OPEN bond");
    g.ok(alice, GOV, Amount.ZERO, d.propose());
    g.ok(3, alice, GOV, Amount.ZERO, vote(d.id(), 1));
    g.block(25, List.of());
    g.ok(alice, GOV, Amount.ZERO, d.queue());

    // queued, not executed: the genesis values still hold
    Amount oldBond = EconomyParameters.DEVNET.contributionBond();
    assertThat(contribute(datanet, "before", 5_000, oldBond).success()).isTrue();
    Batch first = postBatch(0);
    assertThat(first.finalizableAt() - first.postedAt()).isEqualTo(60);

    g.ok(6, alice, GOV, Amount.ZERO, d.execute());

    assertThat(
            contribute(datanet, "too big", 5_000, Amount.parseOpen("0.5"))
                .revertReason()
                .orElseThrow())
        .contains("datanet: a submission of 5000 bytes is over maxSubmissionBytes (1000)");
    assertThat(contribute(datanet, "old bond", 500, oldBond).revertReason().orElseThrow())
        .contains("datanet: a contribution needs a bond of exactly 0.5 OPEN (contributionBond)");
    assertThat(contribute(datanet, "new bond", 500, Amount.parseOpen("0.5")).success()).isTrue();
    Batch b = postBatch(1);
    assertThat(b.finalizableAt() - b.postedAt()).isEqualTo(30);
    assertThat(g.c.view(DatanetModule.ADDRESS, DatanetModule.LIMITS).getFirst())
        .isEqualTo(BigInteger.valueOf(1_000));
    assertThat(g.c.view(InferenceModule.ADDRESS, InferenceModule.PARAMETERS).getFirst())
        .isEqualTo(BigInteger.valueOf(30));
  }

  @Test
  void feeSharesAndTierMinimumsSetByAProposalAreTheOnesTheViewsAndTheStakeCheckUse() {
    g.lockAndDelegate(alice, 20_000);
    new StakedModels(this::send)
        .stakedModel(EconomyChain.dev(9), EconomyChain.dev(6), operator, Amount.open(1_000));
    g.ok(payer, InferenceModule.ADDRESS, Amount.open(10), InferenceModule.DEPOSIT.encodeCall());
    g.ok(
        payer,
        InferenceModule.ADDRESS,
        Amount.ZERO,
        InferenceModule.REGISTER_API_KEY.encodeCall(key.toArray(), Amount.open(10).value()));
    Draft d =
        new Draft(
            List.of(GovernanceChain.PARAMS, GovernanceChain.PARAMS, GovernanceChain.PARAMS),
            List.of(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO),
            List.of(
                setParameter("platformBps", 500),
                setParameter("ownerBps", 2_500),
                setParameter("experimentalMinimumStake", 0)),
            "cheaper platform");
    // a zero tier minimum is out of bounds: refused when proposed
    assertThat(g.refused(alice, GOV, Amount.ZERO, d.propose()))
        .isEqualTo(
            "governance: action 2 would break a bound: experimentalMinimumStake = 0 is out of"
                + " bounds [1, 1000000000000000000000000000]");
    Draft ok =
        new Draft(
            List.of(GovernanceChain.PARAMS, GovernanceChain.PARAMS, GovernanceChain.PARAMS),
            List.of(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO),
            List.of(
                setParameter("platformBps", 500),
                setParameter("ownerBps", 2_500),
                ParameterRegistryModule.SET_PARAMETER.encodeCall(
                    ParameterSpec.key("experimentalMinimumStake"), Amount.open(2_000).value())),
            "cheaper platform, dearer experimental tier");
    g.ok(alice, GOV, Amount.ZERO, ok.propose());
    g.ok(3, alice, GOV, Amount.ZERO, vote(ok.id(), 1));
    g.block(25, List.of());
    g.ok(alice, GOV, Amount.ZERO, ok.queue());
    assertThat(postBatch(0).total()).isEqualTo(Amount.open(1)); // 1,000 OPEN bonded suffices
    FeeRuleV1 genesisRule = EconomyParameters.DEVNET.inference().feeRule();
    assertThat(InferenceModule.batchFeeRule(g.state(), operator.address(), 0))
        .contains(genesisRule);
    g.ok(6, alice, GOV, Amount.ZERO, ok.execute());
    // the open batch keeps the rule it was posted with: a correction splits its records with it
    assertThat(InferenceModule.batchFeeRule(g.state(), operator.address(), 0))
        .contains(genesisRule);

    List<Object> p = g.c.view(InferenceModule.ADDRESS, InferenceModule.PARAMETERS);
    assertThat(p.subList(3, 7))
        .containsExactly(
            BigInteger.valueOf(500),
            BigInteger.valueOf(2_500),
            BigInteger.valueOf(2_000),
            BigInteger.valueOf(5_000));
    // the operator's 1,000 OPEN is now under the experimental tier's 2,000: no paid batch
    String why =
        g.refused(
            operator,
            InferenceModule.ADDRESS,
            Amount.ZERO,
            InferenceModule.encodePostBatch(
                1,
                Hash.keccak256(new byte[] {2}),
                1,
                1,
                List.of(Charge.withKey(payer.address(), key, Amount.open(1))),
                List.of(new Payout(EconomyChain.dev(6).address(), Amount.open(1)))));
    assertThat(why).contains("under the 2000 OPEN its experimental models need");
    assertThat(
            g.c
                .view(StakingModule.ADDRESS, StakingModule.STAKING_PARAMETERS)
                .get(2)) // experimentalMinimum
        .isEqualTo(Amount.open(2_000).value());
  }

  private Batch postBatch(long seq) {
    TransactionResult r =
        send(
            operator,
            InferenceModule.ADDRESS,
            Amount.ZERO,
            InferenceModule.encodePostBatch(
                seq,
                Hash.keccak256(new byte[] {(byte) seq}),
                seq,
                1,
                List.of(Charge.withKey(payer.address(), key, Amount.open(1))),
                List.of(new Payout(EconomyChain.dev(6).address(), Amount.open(1)))));
    assertThat(r.success()).as("postBatch: %s", r.revertReason()).isTrue();
    return InferenceModule.batch(g.state(), operator.address(), seq).orElseThrow();
  }

  private TransactionResult contribute(long datanet, String blob, long size, Amount bond) {
    return send(
        contributor,
        DatanetModule.ADDRESS,
        bond,
        EconomyChain.contribute(datanet, EconomyChain.blob(blob), size));
  }

  private TransactionResult send(KeyPair from, Address to, Amount value, byte[] data) {
    return g.block(2, List.of(new Call(from, to, value, data))).getFirst();
  }
}
