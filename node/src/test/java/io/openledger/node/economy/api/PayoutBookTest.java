package io.openledger.node.economy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.ContributionShare;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.inference.FeeSplit;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.economy.RecordSplit.Role;
import io.openledger.node.economy.StoredRecord;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The aggregates of an operator's records on a real chain: every figure is checked against the
 * gate's own splits (tokens × prices of the moment) and, once batched, against the chain's
 * earnings.
 */
class PayoutBookTest {
  private static final int RECORDS = 240;

  @Test
  void everyFigureIsTheSumOfTheGatesSplitsAndTheChainAgreesOnceBatched() {
    EconomyScenario s = new EconomyScenario();
    PayoutBook book = s.loadBook(); // empty log: built before the gate serves
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < RECORDS; i++) {
      if (i == RECORDS / 2) { // prices change: older records keep the split they were charged
        s.chain.setPrices(s.modelOwner, s.model1, Amount.of(3_333_333_333_333_333L), Amount.of(17));
      }
      book.add(s.serveRandom(rnd));
      if (i == 79) {
        s.postBatch(80);
      } else if (i == 149) {
        s.postBatch(70);
        s.finalizeBatch(0);
      }
    }
    book.batchedBelow(
        InferenceModule.nextBatch(s.chain.state(), s.operator.address()).firstRecord());
    assertThat(book.records()).isEqualTo(RECORDS);

    // every record's payouts sum to its fee
    Amount fees = Amount.ZERO;
    for (int i = 0; i < RECORDS; i++) {
      InferenceRecord r = s.records.get(i).record();
      assertThat(Payout.total(book.split(r).payouts())).isEqualTo(r.fee());
      assertThat(book.split(r).fee()).isEqualTo(s.splits.get(i));
      fees = fees.add(r.fee());
    }

    // per account: totals, batched, roles, models, contributions
    Map<Address, Amount> all = s.expectedEarnings(0, RECORDS);
    Map<Address, Amount> batched = s.expectedEarnings(0, 150);
    Map<Address, Amount> finalized = s.expectedEarnings(0, 80);
    Amount sumOfAccounts = Amount.ZERO;
    for (Map.Entry<Address, Amount> e : all.entrySet()) {
      PayoutBook.AccountEarnings a = book.account(e.getKey());
      assertThat(a.total()).as("total of %s", e.getKey()).isEqualTo(e.getValue());
      Amount b = batched.getOrDefault(e.getKey(), Amount.ZERO);
      assertThat(a.batched()).isEqualTo(b);
      assertThat(a.unbatched()).isEqualTo(e.getValue().subtract(b));
      assertThat(sum(a.byRole().values())).isEqualTo(a.total());
      assertThat(sum(a.byModel().stream().map(PayoutBook.ModelAmount::amount).toList()))
          .isEqualTo(a.total());
      assertThat(
              sum(a.byContribution().stream().map(PayoutBook.ContributionAmount::amount).toList()))
          .isEqualTo(a.byRole().get(Role.CONTRIBUTOR));
      // only this operator posts: the chain's earnings are the batched records' payouts
      Earnings onChain = InferenceModule.earnings(s.chain.state(), e.getKey());
      Amount done = finalized.getOrDefault(e.getKey(), Amount.ZERO);
      if (e.getKey().equals(StakingModule.ADDRESS)) {
        // the stakers' part of a final batch went on into the operator's pool
        assertThat(onChain.claimable()).isEqualTo(Amount.ZERO);
        assertThat(onChain.claimed()).isEqualTo(done);
      } else {
        assertThat(onChain.claimable()).isEqualTo(done);
      }
      assertThat(onChain.pending().add(onChain.claimable()).add(onChain.claimed())).isEqualTo(b);
      sumOfAccounts = sumOfAccounts.add(a.total());
    }
    assertThat(sumOfAccounts).isEqualTo(fees);
    assertThat(book.account(s.datanetOwner.address()).total()).isEqualTo(Amount.ZERO);

    // the owner, the operator and the treasury by role
    Amount owner = Amount.ZERO;
    Amount stakers = Amount.ZERO;
    for (FeeSplit f : s.splits) {
      owner = owner.add(f.owner()).add(f.rest()).add(f.unattributed());
      stakers = stakers.add(f.stakers());
    }
    assertThat(book.account(s.modelOwner.address()).byRole().get(Role.OWNER)).isEqualTo(owner);
    assertThat(book.account(StakingModule.ADDRESS).byRole().get(Role.STAKERS)).isEqualTo(stakers);
    assertThat(book.account(s.operator.address()).total()).isEqualTo(Amount.ZERO);

    // the pool grew by exactly the stakers' part of the final batch (records 0..79)
    Amount finalStakers = Amount.ZERO;
    for (FeeSplit f : s.splits.subList(0, 80)) {
      finalStakers = finalStakers.add(f.stakers());
    }
    assertThat(finalStakers.isZero()).isFalse();
    assertThat(StakingModule.pool(s.chain.state(), s.operator.address()).bondedStake())
        .isEqualTo(s.operatorStake.add(finalStakers));
    assertThat(StakingModule.audit(s.chain.state())).isEmpty();
    assertThat(InferenceModule.audit(s.chain.state())).isEmpty();

    // per model
    for (long m : List.of(s.model1, s.model2)) {
      List<Integer> of = recordsOf(s, m);
      PayoutBook.ModelUsage u = book.model(m).orElseThrow();
      assertThat(u.inferences()).isEqualTo(of.size());
      assertThat(u.fees())
          .isEqualTo(sum(of.stream().map(i -> s.records.get(i).record().fee()).toList()));
      assertThat(u.promptTokens())
          .isEqualTo(
              BigInteger.valueOf(
                  of.stream().mapToLong(i -> s.records.get(i).record().promptTokens()).sum()));
      assertThat(u.completionTokens())
          .isEqualTo(
              BigInteger.valueOf(
                  of.stream().mapToLong(i -> s.records.get(i).record().completionTokens()).sum()));
      assertThat(sum(u.payouts().values())).isEqualTo(u.fees());
      assertThat(book.latestRecords(m, 5))
          .containsExactlyElementsOf(
              of.reversed().subList(0, 5).stream().map(Long::valueOf).toList());
    }
    assertThat(book.model(s.idleModel)).isEmpty();

    // per contribution
    for (long c : s.contributions) {
      Amount earned = Amount.ZERO;
      Amount toTreasury = Amount.ZERO;
      long inferences = 0;
      long ppm = 0;
      for (int i = 0; i < RECORDS; i++) {
        for (Attribution a : s.records.get(i).record().attribution()) {
          if (a.contributionId() == c) {
            inferences++;
            ppm += a.ppm();
          }
        }
        for (ContributionShare sh : s.splits.get(i).contributions()) {
          if (sh.contributionId() == c) {
            if (sh.paidTo().equals(sh.contributor())) {
              earned = earned.add(sh.amount());
            } else {
              toTreasury = toTreasury.add(sh.amount());
            }
          }
        }
      }
      PayoutBook.ContributionEarnings e = book.contribution(c).orElseThrow();
      assertThat(e.earned()).as("contribution %d", c).isEqualTo(earned);
      assertThat(e.toTreasury()).isEqualTo(toTreasury);
      assertThat(e.inferences()).isEqualTo(inferences);
      assertThat(e.ppmTotal()).isEqualTo(ppm);
      assertThat(sum(e.byModel().stream().map(PayoutBook.ModelTally::amount).toList()))
          .isEqualTo(earned);
    }
    // bob paid for some of his own contribution's credit: it went to the treasury
    assertThat(book.contribution(s.contributions.get(1)).orElseThrow().toTreasury().isZero())
        .isFalse();

    // claiming moves nothing in the book: it is about records, the chain about payment
    s.chain.claim(s.alice);
    assertThat(InferenceModule.earnings(s.chain.state(), s.alice.address()).claimed())
        .isEqualTo(finalized.get(s.alice.address()));
    assertThat(book.account(s.alice.address()).total()).isEqualTo(all.get(s.alice.address()));
  }

  @Test
  void loadingTheLogGivesTheBookThatAddingRecordByRecordBuilt() {
    EconomyScenario s = new EconomyScenario();
    PayoutBook incremental = s.loadBook();
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 120; i++) {
      incremental.add(s.serveRandom(rnd));
    }
    s.postBatch(50);
    incremental.batchedBelow(50);
    PayoutBook loaded = s.loadBook(); // reads nextBatch from the chain itself
    assertSameBook(s, incremental, loaded);
  }

  @Test
  void concurrentAddsInAnyOrderCountEachRecordOnce() throws Exception {
    EconomyScenario s = new EconomyScenario();
    SplittableRandom rnd = new SplittableRandom(13);
    for (int i = 0; i < 150; i++) {
      s.serveRandom(rnd);
    }
    PayoutBook loaded = s.loadBook();
    PayoutBook concurrent =
        new PayoutBook(s.operator.address(), state -> s.rule, s.treasury, s.chain::state);
    List<StoredRecord> shuffled = new ArrayList<>(s.records);
    shuffled.addAll(s.records); // every record twice
    Collections.shuffle(shuffled, new java.util.Random(3));
    List<Boolean> added = Collections.synchronizedList(new ArrayList<>());
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (StoredRecord r : shuffled) {
        done.add(pool.submit(() -> added.add(concurrent.add(r))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    assertThat(added.stream().filter(b -> b).count()).isEqualTo(150);
    assertThat(concurrent.records()).isEqualTo(150);
    assertSameBook(s, loaded, concurrent);
    assertThat(concurrent.latestRecords(s.model1, 1000))
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Test
  void anotherOperatorsRecordIsRefusedAndChangesNothing() {
    EconomyScenario s = new EconomyScenario();
    PayoutBook book = s.loadBook();
    StoredRecord mine = s.serve(s.model1, s.payer, 100, 100, List.of(), "mine");
    assertThat(book.add(mine)).isTrue();
    assertThat(book.add(mine)).isFalse();
    KeyPair other = EconomyTestChain.dev(9);
    InferenceRecord r = mine.record();
    InferenceRecord theirs =
        new InferenceRecord(
                other.address(),
                1,
                r.modelId(),
                r.adapterHash(),
                r.payer(),
                r.keyHash(),
                r.requestHash(),
                r.outputHash(),
                r.promptTokens(),
                r.completionTokens(),
                r.fee(),
                r.attribution(),
                r.authorized(),
                r.spendSignature(),
                new byte[0])
            .signedBy(other);
    assertThatThrownBy(() -> book.add(theirs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("record 1 is operator " + other.address() + "'s, not " + s.operator.address());
    assertThat(book.records()).isEqualTo(1);
  }

  @Test
  void leaderboardsRankByAmountThenIdAndScopeToAModel() {
    EconomyScenario s = new EconomyScenario();
    SplittableRandom rnd = new SplittableRandom(17);
    for (int i = 0; i < 100; i++) {
      s.serveRandom(rnd);
    }
    PayoutBook book = s.loadBook();
    PayoutBook.Leaderboards all = book.leaderboards(OptionalLong.empty(), 100);
    assertThat(all.contributions()).hasSize(s.contributions.size());
    assertThat(all.contributions())
        .isSortedAccordingTo(PayoutBook.ContributionRank.ORDER)
        .allSatisfy(
            c ->
                assertThat(c.amount())
                    .isEqualTo(book.contribution(c.contributionId()).orElseThrow().earned()));
    assertThat(all.earners()).isSortedAccordingTo(PayoutBook.AccountRank.ORDER);
    assertThat(sum(all.earners().stream().map(PayoutBook.AccountRank::amount).toList()))
        .isEqualTo(sum(s.records.stream().map(r -> r.record().fee()).toList()));
    assertThat(all.models()).extracting(PayoutBook.ModelRank::modelId).hasSize(2);
    assertThat(all.models()).isSortedAccordingTo(PayoutBook.ModelRank.ORDER);
    assertThat(all.models().getFirst().inferences())
        .isEqualTo(Math.max(recordsOf(s, s.model1).size(), recordsOf(s, s.model2).size()));

    PayoutBook.Leaderboards two = book.leaderboards(OptionalLong.of(s.model2), 2);
    assertThat(two.contributions()).hasSize(2);
    assertThat(two.earners()).hasSize(2);
    // model 2 is trained on datanet 1 only: carol's poem is never among its contributions
    assertThat(book.leaderboards(OptionalLong.of(s.model2), 100).contributions())
        .extracting(PayoutBook.ContributionRank::contributionId)
        .doesNotContain(s.contributions.get(4));
    Map<Address, Amount> model2Earnings = new HashMap<>();
    for (int i : recordsOf(s, s.model2)) {
      for (Payout p : s.splits.get(i).payouts()) {
        model2Earnings.merge(p.account(), p.amount(), Amount::add);
      }
    }
    Amount top = model2Earnings.values().stream().max(Amount::compareTo).orElseThrow();
    assertThat(two.earners().getFirst().amount()).isEqualTo(top);
    assertThat(book.leaderboards(OptionalLong.of(s.idleModel), 10).contributions()).isEmpty();
  }

  private static void assertSameBook(EconomyScenario s, PayoutBook a, PayoutBook b) {
    assertThat(b.records()).isEqualTo(a.records());
    for (Address acct : s.expectedEarnings(0, s.records.size()).keySet()) {
      assertThat(b.account(acct)).isEqualTo(a.account(acct));
    }
    for (long c : s.contributions) {
      assertThat(b.contribution(c)).isEqualTo(a.contribution(c));
    }
    for (long m : List.of(s.model1, s.model2, s.idleModel)) {
      assertThat(b.model(m)).isEqualTo(a.model(m));
      assertThat(b.latestRecords(m, 1000)).isEqualTo(a.latestRecords(m, 1000));
      assertThat(b.leaderboards(OptionalLong.of(m), 100))
          .isEqualTo(a.leaderboards(OptionalLong.of(m), 100));
    }
    assertThat(b.leaderboards(OptionalLong.empty(), 100))
        .isEqualTo(a.leaderboards(OptionalLong.empty(), 100));
  }

  private static List<Integer> recordsOf(EconomyScenario s, long model) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < s.records.size(); i++) {
      if (s.records.get(i).record().modelId() == model) {
        out.add(i);
      }
    }
    return out;
  }

  private static Amount sum(java.util.Collection<Amount> amounts) {
    Amount total = Amount.ZERO;
    for (Amount a : amounts) {
      total = total.add(a);
    }
    return total;
  }
}
