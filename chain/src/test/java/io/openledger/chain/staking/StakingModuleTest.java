package io.openledger.chain.staking;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The staking module through real transactions on the devnet rules (unbonding 120 s, a lock-term
 * day of 1 s, tiers 1,000 / 10,000 / 100,000 OPEN). After every block the supply invariant holds
 * and both the staking and the inference module hold exactly their running totals.
 */
class StakingModuleTest {
  private static final Address SM = StakingModule.ADDRESS;
  private static final Hash KEY = Hash.keccak256("sk-staking".getBytes(StandardCharsets.UTF_8));

  private final EconomyChain c = new EconomyChain();
  private final KeyPair curator = EconomyChain.dev(0);
  private final KeyPair owner = EconomyChain.dev(1);
  private final KeyPair operator = EconomyChain.dev(2);
  private final KeyPair delegator = EconomyChain.dev(3);
  private final KeyPair payer = EconomyChain.dev(4);
  private final KeyPair stranger = EconomyChain.dev(5);
  private final StakedModels setup = new StakedModels(this::send);
  private long model;

  @BeforeEach
  void aServedModel() {
    model = setup.model(owner, setup.datanet(curator, "d"), operator.address());
    ok(operator, SM, Amount.ZERO, StakingModule.SERVE.encodeCall(u(model)));
  }

  // ---- staking, unbonding, withdrawing ----

  @Test
  void stakeUnbondAndWithdrawAfterTheDelayExactly() {
    TransactionResult s = ok(operator, SM, Amount.open(600), stake(operator, 0));
    assertThat(StakingModule.STAKE.decodeResult(s.returnData()))
        .containsExactly(Amount.open(600).value());
    assertThat(s.logs().getFirst().topics().getFirst()).isEqualTo(StakingModule.STAKED.topic());
    ok(delegator, SM, Amount.open(400), stake(operator, 0));
    assertThat(StakingModule.pool(c.state(), operator.address()).bondedStake())
        .isEqualTo(Amount.open(1_000));

    long at = c.now() + 2;
    TransactionResult u =
        ok(
            delegator,
            SM,
            Amount.ZERO,
            StakingModule.UNBOND.encodeCall(operator.address(), u(0), Amount.open(100).value()));
    assertThat(StakingModule.UNBOND.decodeResult(u.returnData()))
        .containsExactly(u(0), Amount.open(100).value());
    assertThat(StakingModule.entry(c.state(), operator.address(), delegator.address(), 0))
        .hasValueSatisfying(e -> assertThat(e.releaseAt()).isEqualTo(at + 120));
    assertThat(StakingModule.totals(c.state()))
        .isEqualTo(new StakingTotals(Amount.open(900), Amount.open(100)));

    assertThat(
            c.refused(
                delegator,
                SM,
                Amount.ZERO,
                StakingModule.WITHDRAW.encodeCall(operator.address(), u(0)),
                at + 119 - c.now()))
        .isEqualTo("staking: entry 0 is released at " + (at + 120) + " (now " + (at + 119) + ")");
    Amount before = c.state().balance(delegator.address());
    TransactionResult w =
        c.block(
                1,
                List.of(
                    c.tx(
                        delegator,
                        SM,
                        Amount.ZERO,
                        StakingModule.WITHDRAW.encodeCall(operator.address(), u(0)))))
            .results()
            .getFirst();
    assertThat(w.success()).isTrue();
    audit();
    assertThat(c.state().balance(delegator.address()))
        .isEqualTo(before.add(Amount.open(100)).subtract(fee(w)));
    assertThat(
            c.refused(delegator, SM, StakingModule.WITHDRAW.encodeCall(operator.address(), u(0))))
        .isEqualTo(
            "staking: "
                + delegator.address()
                + " has no unbonding entry 0 with "
                + operator.address());
  }

  @Test
  void badStakingInputChangesNothing() {
    ok(delegator, SM, Amount.open(10), stake(operator, 0));
    assertThat(c.refused(delegator, SM, Amount.ZERO, stake(operator, 0), 2))
        .isEqualTo("staking: stake of zero");
    assertThat(c.refused(delegator, SM, Amount.open(1), stake(operator, 5), 2))
        .startsWith("staking: unknown lock term 5");
    assertThat(
            c.refused(
                delegator,
                SM,
                Amount.open(1),
                StakingModule.STAKE.encodeCall(InferenceModule.ADDRESS, u(0)),
                2))
        .isEqualTo("staking: " + InferenceModule.ADDRESS + " cannot run a pool");
    assertThat(
            c.refused(
                delegator,
                SM,
                StakingModule.UNBOND.encodeCall(operator.address(), u(0), Amount.open(11).value())))
        .isEqualTo(
            "staking: unbonding 11000000000000000000 shares but "
                + delegator.address()
                + " holds 10000000000000000000 in the FLEXIBLE class of "
                + operator.address());
    assertThat(
            c.refused(
                stranger, SM, StakingModule.UNBOND.encodeCall(operator.address(), u(0), u(0))))
        .isEqualTo("staking: unbonding zero shares");
  }

  @Test
  void aLockedStakeCannotUnbondBeforeItsTermAndEarnsItsWeight() {
    long at = c.now() + 2;
    TransactionResult s = ok(delegator, SM, Amount.open(1_000), stake(operator, 1)); // 30 days
    assertThat(
            StakingModule.position(
                    c.state(), operator.address(), delegator.address(), LockTerm.DAYS_30)
                .lockedUntil())
        .isEqualTo(at + 30);
    assertThat(s.success()).isTrue();
    ok(operator, SM, Amount.open(1_000), stake(operator, 0));
    byte[] unbond =
        StakingModule.UNBOND.encodeCall(operator.address(), u(1), Amount.open(1).value());
    assertThat(c.refused(delegator, SM, Amount.ZERO, unbond, at + 29 - c.now()))
        .isEqualTo(
            "staking: the DAYS_30 stake is locked until " + (at + 30) + " (now " + (at + 29) + ")");

    // 210 OPEN of rewards: flexible 1,000 × 1.0 against locked 1,000 × 1.1 → 100 and 110
    reward(Amount.open(210));
    StateReader st = c.state();
    assertThat(StakingModule.pool(st, operator.address()).bonded(LockTerm.FLEXIBLE).stake())
        .isEqualTo(Amount.open(1_100));
    assertThat(StakingModule.pool(st, operator.address()).bonded(LockTerm.DAYS_30).stake())
        .isEqualTo(Amount.open(1_110));
    c.block(1, List.of(c.tx(delegator, SM, Amount.ZERO, unbond)));
    assertThat(
            StakingModule.position(
                    c.state(), operator.address(), delegator.address(), LockTerm.DAYS_30)
                .shares())
        .isEqualTo(Amount.open(999).value());
  }

  // ---- tiers ----

  @Test
  void anUnderStakedOperatorPostsNoPaidBatchAndAStrangerCannotChangeTheTier() {
    fundPayer();
    byte[] batch = batch(0, Amount.open(1));
    assertThat(c.refused(operator, InferenceModule.ADDRESS, batch))
        .isEqualTo(
            "inference: operator "
                + operator.address()
                + " has 0 OPEN bonded, under the 1000 OPEN its experimental models need");
    assertThat(StakingModule.check(c.state(), model, params())).isInstanceOf(TierCheck.Unmet.class);
    ok(operator, SM, Amount.open(1_000), stake(operator, 0));
    assertThat(StakingModule.check(c.state(), model, params()).met()).isTrue();

    assertThat(c.refused(stranger, SM, StakingModule.SET_TIER.encodeCall(u(model), u(2))))
        .isEqualTo(
            "staking: only model " + model + "'s owner " + owner.address() + " sets its tier");
    assertThat(c.refused(owner, SM, StakingModule.SET_TIER.encodeCall(u(model), u(3))))
        .startsWith("staking: unknown tier 3");
    ok(owner, SM, Amount.ZERO, StakingModule.SET_TIER.encodeCall(u(model), u(1)));
    assertThat(StakingModule.check(c.state(), model, params()))
        .isEqualTo(
            new TierCheck.Unmet(
                "operator "
                    + operator.address()
                    + " has 1000 OPEN bonded, under the 10000 OPEN its standard models need"));
    assertThat(c.refused(operator, InferenceModule.ADDRESS, batch))
        .contains("under the 10000 OPEN its standard models need");
    ok(delegator, SM, Amount.open(9_000), stake(operator, 0));
    ok(operator, InferenceModule.ADDRESS, Amount.ZERO, batch);
    assertThat(c.view(SM, StakingModule.MODEL_STAKE, u(model)))
        .containsExactly(
            u(1),
            Amount.open(10_000).value(),
            operator.address(),
            operator.address(),
            Amount.open(10_000).value(),
            true);
  }

  @Test
  void onlyTheModelsOperatorServesItAndUnservingDropsTheRequirement() {
    assertThat(c.refused(stranger, SM, StakingModule.SERVE.encodeCall(u(model))))
        .isEqualTo(
            "staking: model "
                + model
                + "'s operator is "
                + operator.address()
                + ", not "
                + stranger.address());
    assertThat(c.refused(operator, SM, StakingModule.SERVE.encodeCall(u(model))))
        .isEqualTo("staking: " + operator.address() + " already serves model " + model);
    assertThat(c.refused(operator, SM, StakingModule.SERVE.encodeCall(u(99))))
        .isEqualTo("staking: unknown model 99");
    ok(operator, SM, Amount.ZERO, StakingModule.UNSERVE.encodeCall(u(model)));
    assertThat(StakingModule.pool(c.state(), operator.address()).highestTier()).isEmpty();
    fundPayer();
    assertThat(c.refused(operator, InferenceModule.ADDRESS, batch(0, Amount.open(1))))
        .isEqualTo(
            "inference: operator "
                + operator.address()
                + " serves no model on the staking module (serve)");
  }

  // ---- rewards and slashes ----

  @Test
  void theStakersShareOfAFinalBatchGoesToThePoolProRata() {
    ok(operator, SM, Amount.open(1_000), stake(operator, 0));
    ok(delegator, SM, Amount.open(3_000), stake(operator, 0));
    reward(Amount.open(40));
    StateReader st = c.state();
    Pool pool = StakingModule.pool(st, operator.address());
    assertThat(pool.bondedStake()).isEqualTo(Amount.open(4_040));
    assertThat(
            pool.bonded(LockTerm.FLEXIBLE)
                .valueOf(
                    StakingModule.position(
                            st, operator.address(), delegator.address(), LockTerm.FLEXIBLE)
                        .shares()))
        .isEqualTo(Amount.open(3_030));
    assertThat(InferenceModule.earnings(st, SM).claimed()).isEqualTo(Amount.open(40));
  }

  @Test
  void aRewardForAPoolNobodyHoldsGoesToTheTreasury() {
    // the operator serves but never staked: a batch before staking is refused, so unbond all first
    ok(operator, SM, Amount.open(1_000), stake(operator, 0));
    fundPayer();
    ok(operator, InferenceModule.ADDRESS, Amount.ZERO, batch(0, Amount.open(5)));
    ok(
        operator,
        SM,
        Amount.ZERO,
        StakingModule.UNBOND.encodeCall(operator.address(), u(0), Amount.open(1_000).value()));
    Amount treasury = c.state().balance(c.chain.genesis.treasury());
    TransactionResult f = finalize(0);
    assertThat(c.state().balance(c.chain.genesis.treasury()).subtract(treasury))
        .isGreaterThanOrEqualTo(Amount.open(5));
    assertThat(f.success()).isTrue();
  }

  @Test
  void nobodyButTheInferenceModuleRewardsAndNobodyButTheChallengeModuleSlashes() {
    ok(operator, SM, Amount.open(1_000), stake(operator, 0));
    assertThat(
            c.refused(
                stranger,
                SM,
                Amount.open(1),
                StakingModule.ADD_REWARDS.encodeCall(operator.address()),
                2))
        .isEqualTo("staking: only the inference module adds rewards");
    assertThat(c.refused(operator, SM, StakingModule.SLASH.encodeCall(operator.address(), u(1))))
        .isEqualTo("staking: only the challenge module slashes");
  }

  // ---- endpoints ----

  @Test
  void anOperatorPublishesItsEndpointAndAnyoneReadsIt() {
    assertThat(StakingModule.endpoint(c.state(), operator.address())).isEmpty();
    TransactionResult r =
        ok(
            operator,
            SM,
            Amount.ZERO,
            StakingModule.SET_ENDPOINT.encodeCall("https://node.example.org:8443/api"));
    assertThat(StakingModule.endpoint(c.state(), operator.address()))
        .contains("https://node.example.org:8443/api");
    assertThat(r.logs().getFirst().topics().getFirst())
        .isEqualTo(StakingModule.ENDPOINT_SET.topic());
    AbiEvent.Encoded expected =
        StakingModule.ENDPOINT_SET.encode(operator.address(), "https://node.example.org:8443/api");
    assertThat(r.logs().getFirst().topics()).isEqualTo(expected.topics());
    assertThat(r.logs().getFirst().data()).isEqualTo(expected.data());
    assertThat(c.view(SM, StakingModule.ENDPOINT, operator.address()))
        .containsExactly("https://node.example.org:8443/api");
    ok(operator, SM, Amount.ZERO, StakingModule.SET_ENDPOINT.encodeCall("http://127.0.0.1:8080"));
    assertThat(StakingModule.endpoint(c.state(), operator.address()))
        .contains("http://127.0.0.1:8080");
    assertThat(StakingModule.endpoint(c.state(), stranger.address())).isEmpty();
  }

  @Test
  void aMalformedEndpointIsRefusedAndChangesNothing() {
    ok(operator, SM, Amount.ZERO, StakingModule.SET_ENDPOINT.encodeCall("http://a.example"));
    String big = "http://" + "a".repeat(250);
    String[][] cases = {
      {"", "staking: the endpoint URL is empty"},
      {big, "staking: the endpoint URL is 257 bytes, at most 256"},
      {
        "ftp://x.example",
        "staking: the endpoint URL must start with http:// or https://, got 'ftp://x.example'"
      },
      {
        "http://x.example/a b",
        "staking: the endpoint URL may hold printable ASCII only (no spaces or control characters)"
      },
      {
        "http://x.example/?q=1",
        "staking: the endpoint URL must have no query or fragment ('?' or '#')"
      },
      {
        "http://x.example/",
        "staking: the endpoint URL must not end with '/' (clients append /v1/records)"
      },
      {"http://me@x.example", "staking: the endpoint URL must not carry user info ('@')"},
      {"http://x.example:0", "staking: the endpoint URL's port must be ':' and 1..65535"},
      {"http://x.example:99999", "staking: the endpoint URL's port must be ':' and 1..65535"},
      {"http://:80", "staking: the endpoint URL has no host"},
      {
        "http://x_y.example",
        "staking: the endpoint URL's host may hold letters, digits, '-' and '.' only, got 'x_y.example'"
      },
      {
        "http://héllo.example",
        "staking: the endpoint URL may hold printable ASCII only (no spaces or control characters)"
      },
    };
    for (String[] k : cases) {
      assertThat(c.refused(operator, SM, StakingModule.SET_ENDPOINT.encodeCall(k[0])))
          .as(k[0])
          .isEqualTo(k[1]);
    }
    assertThat(StakingModule.endpoint(c.state(), operator.address())).contains("http://a.example");
    assertThat(StakingModule.endpointProblem("http://" + "a".repeat(249))).isEmpty();
    assertThat(StakingModule.endpointProblem("http://[::1]:8080/x")).isEmpty();
  }

  // ---- helpers ----

  /** Posts a batch paying {@code amount} to the pool and finalizes it after the window. */
  private void reward(Amount amount) {
    fundPayer();
    long seq = InferenceModule.nextBatch(c.state(), operator.address()).seq();
    ok(operator, InferenceModule.ADDRESS, Amount.ZERO, batch(seq, amount));
    finalize(seq);
  }

  private TransactionResult finalize(long seq) {
    long at =
        InferenceModule.batch(c.state(), operator.address(), seq).orElseThrow().finalizableAt();
    TransactionResult r =
        c.block(
                Math.max(1, at - c.now()),
                List.of(
                    c.tx(
                        stranger,
                        InferenceModule.ADDRESS,
                        Amount.ZERO,
                        InferenceModule.FINALIZE_BATCH.encodeCall(operator.address(), u(seq)))))
            .results()
            .getFirst();
    assertThat(r.success()).as("finalize: %s", r.revertReason()).isTrue();
    audit();
    return r;
  }

  private boolean funded;

  private void fundPayer() {
    if (!funded) {
      ok(payer, InferenceModule.ADDRESS, Amount.open(1_000), InferenceModule.DEPOSIT.encodeCall());
      ok(
          payer,
          InferenceModule.ADDRESS,
          Amount.ZERO,
          InferenceModule.REGISTER_API_KEY.encodeCall(KEY.toArray(), Amount.open(1_000).value()));
      funded = true;
    }
  }

  /** A one-record batch charging {@code amount} to the payer's key, all of it to the pool. */
  private byte[] batch(long seq, Amount amount) {
    long first = InferenceModule.nextBatch(c.state(), operator.address()).firstRecord();
    return InferenceModule.encodePostBatch(
        seq,
        Hash.keccak256(("records " + seq).getBytes(StandardCharsets.UTF_8)),
        first,
        1,
        List.of(new Charge(payer.address(), KEY, amount, Amount.ZERO, new byte[0])),
        List.of(new Payout(SM, amount)));
  }

  private static StakingParameters params() {
    return StakingParameters.DEVNET;
  }

  private static byte[] stake(KeyPair operator, int term) {
    return StakingModule.STAKE.encodeCall(operator.address(), u(term));
  }

  private TransactionResult send(KeyPair from, Address to, Amount value, byte[] data) {
    TransactionResult r = c.block(2, List.of(c.tx(from, to, value, data))).results().getFirst();
    audit();
    return r;
  }

  private TransactionResult ok(KeyPair from, Address to, Amount value, byte[] data) {
    TransactionResult r = send(from, to, value, data);
    assertThat(r.success()).as("call failed: %s", r.revertReason()).isTrue();
    return r;
  }

  private void audit() {
    assertThat(StakingModule.audit(c.state())).isEmpty();
    assertThat(InferenceModule.audit(c.state())).isEmpty();
  }

  private static Amount fee(TransactionResult r) {
    return r.effectiveGasPrice().multiply(r.gasUsed());
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }
}
