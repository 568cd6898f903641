package io.openledger.chain.challenge;

import static io.openledger.chain.challenge.ChallengeFixture.P;
import static io.openledger.chain.challenge.ChallengeFixture.u;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.challenge.ChallengeFixture.Posted;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.ReplayResult;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.points.PointsModule;
import io.openledger.chain.points.PointsModule.DayPoints;
import io.openledger.chain.points.PointsRule;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Testnet points (docs/points.md) recorded from the economy's real transactions: the challenge
 * fixture's datanet, model, operator, payer and validators on a devnet whose genesis has the
 * default points rule. It lives next to the fixture, which builds the whole economy.
 */
class PointsRecordingTest {
  private static final PointsRule RULE = PointsRule.DEFAULTS;
  private final ChallengeFixture f =
      new ChallengeFixture(
          Genesis.devnet().withTimestamp(TestChain.GENESIS_TIME).withPoints(RULE), true);
  private final Amount thousand = Amount.open(1_000);

  private long today() {
    return PointsRule.day(f.c.now());
  }

  private DayPoints points(KeyPair k) {
    return PointsModule.pointsOf(f.c.state(), k.address(), today());
  }

  private DayPoints points(Address a) {
    return PointsModule.pointsOf(f.c.state(), a, today());
  }

  private void finalizeBatch(long seq) {
    f.send(
        f.bob,
        InferenceModule.ADDRESS,
        Amount.ZERO,
        InferenceModule.FINALIZE_BATCH.encodeCall(f.operator.address(), u(seq)));
  }

  @Test
  void acceptedDataUsageVotesAndUptimeEarnTheirPointsReadableThroughEthCall() {
    // the fixture's curator accepted alice's contribution with score 90 and bob's with 80
    assertThat(points(f.alice).data()).isEqualTo(90 * RULE.dataPointsPerScore());
    assertThat(points(f.bob).data()).isEqualTo(80 * RULE.dataPointsPerScore());
    assertThat(points(f.curator).total()).isZero();

    f.registerValidators(thousand, thousand, thousand);
    InferenceRecord r = f.honest("what is rain", f.output("rain"));
    Posted p = f.post(List.of(r));
    Map<Address, Amount> paid = f.payouts(p.seq());
    long id =
        f.challenge(
            f.challenger,
            P.minimumBond(),
            f.challengeCall(p, 0, ChallengeKind.HARMFUL_OUTPUT, new byte[0]));
    f.vote(f.validators.get(0), id, false);
    f.vote(f.validators.get(1), id, false);
    f.passTime(60);
    f.resolve(id);
    assertThat(points(f.validators.get(0)).validation()).isEqualTo(RULE.validationPointsPerVote());
    assertThat(points(f.validators.get(2)).validation()).isZero(); // did not vote
    assertThat(points(f.alice).usage()).isZero(); // not final yet

    BlockHeader before = f.c.chain.head();
    finalizeBatch(p.seq());
    long aliceUsage = usagePoints(paid.get(f.alice.address()));
    assertThat(aliceUsage).isPositive();
    assertThat(points(f.alice).usage()).isEqualTo(aliceUsage);
    assertThat(points(f.bob).usage()).isEqualTo(usagePoints(paid.get(f.bob.address())));
    // the model owner was paid too, but has no data accepted by others
    assertThat(paid).containsKey(f.owner.address());
    assertThat(points(f.owner).total()).isZero();
    assertThat(points(f.operator).uptime()).isEqualTo(RULE.uptimePointsPerDay());

    // through eth_call, as the snapshot reads them
    List<Object> v =
        f.c.view(PointsModule.ADDRESS, PointsModule.POINTS_OF, f.alice.address(), u(today()));
    assertThat(v)
        .containsExactly(
            u(90 * RULE.dataPointsPerScore()),
            u(aliceUsage),
            BigInteger.ZERO,
            BigInteger.ZERO,
            u(90 * RULE.dataPointsPerScore() + aliceUsage));
    long total = 0;
    for (Address a : PointsModule.accounts(f.c.state())) {
      total += PointsModule.totalPointsOf(f.c.state(), a);
    }
    assertThat(f.c.view(PointsModule.ADDRESS, PointsModule.TOTAL_POINTS)).containsExactly(u(total));
    assertThat(f.c.view(PointsModule.ADDRESS, PointsModule.ACCOUNT_COUNT))
        .containsExactly(u(PointsModule.accounts(f.c.state()).size()));

    // deterministic from the chain: replaying the finalizing block reproduces its state root
    ExecutedBlock last = f.c.chain.headBlock();
    assertThat(f.c.chain.executor.replay(before, last.block()))
        .isInstanceOf(ReplayResult.Match.class);
  }

  private static long usagePoints(Amount paid) {
    return paid.value()
        .multiply(BigInteger.valueOf(RULE.usagePointsPerOpen()))
        .divide(Amount.UNITS_PER_OPEN)
        .longValueExact();
  }

  @Test
  void eachCategoryIsCappedPerAccountPerDayAndTheNextDayEarnsAgain() {
    long[] ids = new long[15];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = f.c.contributeOk(f.alice, f.datanet, EconomyChain.blob("more " + i), 1_000);
    }
    for (long id : ids) {
      f.c.ok(f.curator, DatanetModule.ADDRESS, EconomyChain.approve(id, 100));
    }
    // 90 + 15 × 100 score points × 10 = 15,900, cut to the cap
    assertThat(points(f.alice).data()).isEqualTo(RULE.dataDailyCap());
    assertThat(PointsModule.totalPointsOf(f.c.state(), f.alice.address()))
        .isEqualTo(RULE.dataDailyCap());
    f.passTime(PointsRule.DAY_SECONDS);
    long id = f.c.contributeOk(f.alice, f.datanet, EconomyChain.blob("tomorrow"), 1_000);
    f.c.ok(f.curator, DatanetModule.ADDRESS, EconomyChain.approve(id, 50));
    assertThat(points(f.alice).data()).isEqualTo(50 * RULE.dataPointsPerScore());
    assertThat(PointsModule.totalPointsOf(f.c.state(), f.alice.address()))
        .isEqualTo(RULE.dataDailyCap() + 50 * RULE.dataPointsPerScore());
  }

  @Test
  void aSybilArmyGainsNothing() {
    long start = PointsModule.totalPoints(f.c.state()).longValueExact();
    // 1. empty accounts cannot send anything: no gas, no bond
    List<Transaction> army = new ArrayList<>();
    List<KeyPair> sybils = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      KeyPair s = KeyPair.fromPrivateKeyHex(String.format("0x%064x", 777_000 + i));
      sybils.add(s);
      army.add(
          f.c.chain.call(
              s,
              DatanetModule.ADDRESS,
              EconomyChain.BOND,
              EconomyChain.contribute(f.datanet, EconomyChain.blob("sybil " + i), 10),
              EconomyChain.GAS,
              0));
    }
    ExecutedBlock b = f.c.chain.produce(f.c.chain.next(2), army);
    assertThat(b.skipped()).hasSize(20);

    // 2. a funded attacker accepting its own data on its own datanet earns no data points
    KeyPair attacker = f.challenger;
    long own = f.c.createDatanet(attacker, "mine", Licence.COMMERCIAL_USE);
    for (int i = 0; i < 5; i++) {
      long c = f.c.contributeOk(attacker, own, EconomyChain.blob("self " + i), 10);
      f.c.ok(attacker, DatanetModule.ADDRESS, EconomyChain.approve(c, 100));
    }
    assertThat(points(attacker).total()).isZero();

    // 3. an operator paying its sybils in a batch: payouts to accounts without accepted data earn
    //    no usage points
    InferenceRecord r = f.honest("q", f.output("q"));
    List<Payout> honest = f.claimedSplit(r);
    Amount toOwner =
        honest.stream()
            .filter(x -> x.account().equals(f.owner.address()))
            .findFirst()
            .orElseThrow()
            .amount();
    List<Payout> cheating = new ArrayList<>();
    for (Payout x : honest) {
      cheating.add(
          x.account().equals(f.owner.address()) ? new Payout(x.account(), Amount.of(1)) : x);
    }
    cheating.add(new Payout(sybils.getFirst().address(), toOwner.subtract(Amount.of(1))));
    Posted p =
        f.post(
            List.of(r),
            List.of(Charge.withKey(f.payer.address(), ChallengeFixture.KEY, r.fee())),
            Payout.merge(cheating));
    f.passTime(60);
    finalizeBatch(p.seq());
    assertThat(points(sybils.getFirst().address()).total()).isZero();

    // 4. a vote by an account that is not a validator reverts, and earns nothing
    f.registerValidators(thousand);
    Posted q = f.post(List.of(f.honest("z", f.output("z"))));
    long id =
        f.challenge(
            f.challenger,
            P.minimumBond(),
            f.challengeCall(q, 0, ChallengeKind.HARMFUL_OUTPUT, new byte[0]));
    f.refused(
        f.bob,
        ChallengeModule.ADDRESS,
        Amount.ZERO,
        ChallengeModule.VOTE.encodeCall(u(id), true),
        2);
    assertThat(points(f.bob).validation()).isZero();

    for (KeyPair s : sybils) {
      assertThat(PointsModule.totalPointsOf(f.c.state(), s.address())).isZero();
    }
    assertThat(PointsModule.totalPointsOf(f.c.state(), attacker.address())).isZero();
    // only the operator's honest uptime and alice's and bob's usage of the finalized batch were
    // added
    long added = PointsModule.totalPoints(f.c.state()).longValueExact() - start;
    assertThat(added)
        .isEqualTo(RULE.uptimePointsPerDay() + points(f.alice).usage() + points(f.bob).usage());
  }

  @Test
  void dataFlaggedAsAdversarialLosesThePointsItEarned() {
    long day = today();
    long before = PointsModule.totalPoints(f.c.state()).longValueExact();
    long bobData = 80 * RULE.dataPointsPerScore();
    assertThat(points(f.bob).data()).isEqualTo(bobData);
    f.registerValidators(thousand, thousand);
    byte[] flag = ChallengeModule.FLAG_CONTRIBUTION.encodeCall(u(f.bobContribution), "spam");
    long id =
        ((BigInteger)
                ChallengeModule.FLAG_CONTRIBUTION
                    .decodeResult(f.send(f.challenger, P.minimumBond(), flag).returnData())
                    .getFirst())
            .longValue();
    f.vote(f.validators.get(0), id, true);
    f.vote(f.validators.get(1), id, true);
    f.passTime(30);
    f.resolve(id);
    assertThat(f.info(id).status()).isEqualTo(ChallengeStatus.UPHELD);
    assertThat(PointsModule.pointsOf(f.c.state(), f.bob.address(), day).data()).isZero();
    assertThat(PointsModule.totalPointsOf(f.c.state(), f.bob.address())).isZero();
    assertThat(f.c.view(PointsModule.ADDRESS, PointsModule.ACCEPTED_DATA_OF, f.bob.address()))
        .containsExactly(BigInteger.ZERO);
    // the votes earned their validators points; bob's were taken back
    assertThat(PointsModule.totalPoints(f.c.state()).longValueExact())
        .isEqualTo(before - bobData + 2 * RULE.validationPointsPerVote());
    // alice's contribution was not flagged: hers stay
    assertThat(points(f.alice).data()).isEqualTo(90 * RULE.dataPointsPerScore());
  }
}
