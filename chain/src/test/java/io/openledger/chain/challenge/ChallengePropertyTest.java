package io.openledger.chain.challenge;

import static io.openledger.chain.challenge.ChallengeFixture.u;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.challenge.ChallengeFixture.Posted;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.BatchCharge;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.InferenceTotals;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random histories of batches (honest, inflated, inconsistent), challenges of every kind, votes,
 * resolutions, validator registrations, unbondings and withdrawals, finalizations and the passing
 * of time, seeded. Any transaction may revert; after every block the supply invariant holds, every
 * module holds exactly its running totals, the totals equal a scan (validators, open bonds, escrows
 * and earnings), and every open batch's payouts and charges sum to its total.
 */
class ChallengePropertyTest {
  private static final int HISTORIES = 10;
  private static final int STEPS = 60;

  @Test
  void randomHistoriesKeepEveryModuleAndTheSupplyExact() {
    Set<String> seen = new HashSet<>();
    for (long seed = 1; seed <= HISTORIES; seed++) {
      seen.addAll(new History(seed).run());
    }
    // the histories reach every decision this test means to exercise
    assertThat(seen)
        .contains(
            "WRONG_ATTRIBUTION UPHELD",
            "WRONG_ATTRIBUTION REJECTED",
            "WRONG_TOKEN_COUNT UPHELD",
            "HARMFUL_OUTPUT UPHELD",
            "batch corrected",
            "batch voided",
            "validator penalized");
  }

  private static final class History {
    private final SplittableRandom rnd;
    private final long seed;
    private final ChallengeFixture f = new ChallengeFixture();
    private final List<Posted> posted = new ArrayList<>();
    private final Map<Long, String> outputs = new HashMap<>(); // record number -> output text
    private final Map<Long, String> requests = new HashMap<>();
    private final Set<String> outcomes = new HashSet<>();
    private final Set<String> events = new HashSet<>();
    private int n;

    History(long seed) {
      this.seed = seed;
      this.rnd = new SplittableRandom(seed);
      f.send(
          f.operator,
          StakingModule.ADDRESS,
          Amount.open(20_000),
          StakingModule.STAKE.encodeCall(f.operator.address(), u(0)));
      for (KeyPair v : f.validators) {
        if (rnd.nextInt(4) > 0) {
          attempt(
              v,
              ChallengeModule.ADDRESS,
              Amount.open(1_000 + rnd.nextInt(2_000)),
              ChallengeModule.REGISTER_VALIDATOR.encodeCall());
        }
      }
    }

    /** Ids of open challenges (of voted kinds when {@code voted}). */
    private List<Long> open(boolean voted) {
      StateReader s = f.c.state();
      List<Long> out = new ArrayList<>();
      for (long id = 1; id <= ChallengeModule.challengeCount(s); id++) {
        Challenge c = ChallengeModule.challenge(s, id).orElseThrow();
        if (c.open() && (!voted || c.kind().voted())) {
          out.add(id);
        }
      }
      return out;
    }

    Set<String> run() {
      for (int step = 0; step < STEPS; step++) {
        int what = rnd.nextInt(13);
        switch (what) {
          case 0, 1 -> postBatch();
          case 2, 3 -> challengeRecord();
          case 4, 5, 12 -> vote();
          case 6 -> resolve();
          case 7 -> registerOrTopUp();
          case 8 -> unregisterOrWithdraw();
          case 9 -> finalizeBatch();
          case 10 -> unavailableOrFlag();
          default -> f.passTime(1 + rnd.nextInt(40));
        }
        invariants();
      }
      // every history decides something
      assertThat(outcomes).as("seed %s outcomes", seed).isNotEmpty();
      StateReader s = f.c.state();
      Set<String> seen = new HashSet<>();
      for (long id = 1; id <= ChallengeModule.challengeCount(s); id++) {
        Challenge c = ChallengeModule.challenge(s, id).orElseThrow();
        seen.add(c.kind() + " " + c.status());
      }
      for (Posted p : posted) {
        Batch b = InferenceModule.batch(s, f.operator.address(), p.seq()).orElseThrow();
        if (b.voided()) {
          seen.add("batch voided");
        }
      }
      seen.addAll(events);
      return seen;
    }

    private void postBatch() {
      int count = 1 + rnd.nextInt(3);
      List<InferenceRecord> records = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String req = "request " + seed + " " + n + " " + "w ".repeat(rnd.nextInt(5));
        String out = f.output("topic" + n++);
        InferenceRecord r =
            switch (rnd.nextInt(4)) {
              case 0 ->
                  f.keyRecord(
                      req,
                      out,
                      List.of(new Attribution(f.aliceContribution, 100_000 + rnd.nextInt(800_000))),
                      ChallengeFixture.words(req),
                      ChallengeFixture.words(out));
              case 1 ->
                  f.keyRecord(
                      req,
                      out,
                      ChallengeFixture.attributionOf(out),
                      ChallengeFixture.words(req),
                      ChallengeFixture.words(out) + 1 + rnd.nextInt(500));
              default -> f.honest(req, out);
            };
        outputs.put(r.number(), out);
        requests.put(r.number(), req);
        records.add(r);
      }
      List<Payout> payouts = new ArrayList<>();
      Amount total = Amount.ZERO;
      for (InferenceRecord r : records) {
        payouts.addAll(f.claimedSplit(r));
        total = total.add(r.fee());
      }
      if (rnd.nextInt(4) == 0) {
        payouts = List.of(new Payout(f.owner.address(), total)); // not what the records claim
      }
      Charge charge = Charge.withKey(f.payer.address(), ChallengeFixture.KEY, total);
      byte[] call =
          InferenceModule.encodePostBatch(
              posted.size(),
              new Posted(0, records).root(),
              records.getFirst().number(),
              records.size(),
              List.of(charge),
              Payout.merge(payouts));
      if (attempt(f.operator, InferenceModule.ADDRESS, Amount.ZERO, call)) {
        posted.add(new Posted(posted.size(), records));
      } else {
        rewind(records);
      }
    }

    /** A refused batch (e.g. its operator slashed under its tier): its numbers are reused. */
    private void rewind(List<InferenceRecord> records) {
      for (InferenceRecord r : records) {
        outputs.remove(r.number());
        requests.remove(r.number());
      }
      f.nextRecord(records.getFirst().number());
    }

    private void challengeRecord() {
      if (posted.isEmpty()) {
        return;
      }
      Posted p = posted.get(rnd.nextInt(posted.size()));
      int i = rnd.nextInt(p.records().size());
      InferenceRecord r = p.records().get(i);
      ChallengeKind kind =
          List.of(
                  ChallengeKind.WRONG_ATTRIBUTION,
                  ChallengeKind.WRONG_TOKEN_COUNT,
                  ChallengeKind.HARMFUL_OUTPUT)
              .get(rnd.nextInt(3));
      String out = outputs.get(r.number());
      byte[] evidence =
          switch (kind) {
            case WRONG_ATTRIBUTION -> out.getBytes(StandardCharsets.UTF_8);
            case WRONG_TOKEN_COUNT -> ChallengeFixture.evidence(requests.get(r.number()), out);
            default -> new byte[0];
          };
      Amount bond = ChallengeFixture.P.minimumBond().add(Amount.of(rnd.nextInt(1_000)));
      attempt(
          rnd.nextBoolean() ? f.challenger : f.bob,
          ChallengeModule.ADDRESS,
          bond,
          f.challengeCall(p, i, kind, evidence));
    }

    private void vote() {
      List<Long> open = open(true);
      if (open.isEmpty()) {
        return;
      }
      long id = open.get(rnd.nextInt(open.size()));
      KeyPair v = f.validators.get(rnd.nextInt(f.validators.size()));
      attempt(
          v,
          ChallengeModule.ADDRESS,
          Amount.ZERO,
          ChallengeModule.VOTE.encodeCall(u(id), rnd.nextInt(3) > 0));
    }

    private void resolve() {
      List<Long> open = open(false);
      if (open.isEmpty()) {
        return;
      }
      long id = open.get(rnd.nextInt(open.size()));
      if (rnd.nextBoolean()) {
        f.passTime(31);
      }
      attempt(
          f.bob, ChallengeModule.ADDRESS, Amount.ZERO, ChallengeModule.RESOLVE.encodeCall(u(id)));
    }

    private void registerOrTopUp() {
      KeyPair v = f.validators.get(rnd.nextInt(f.validators.size()));
      Amount stake = Amount.open(500 + rnd.nextInt(1_500));
      attempt(v, ChallengeModule.ADDRESS, stake, ChallengeModule.REGISTER_VALIDATOR.encodeCall());
    }

    private void unregisterOrWithdraw() {
      KeyPair v = f.validators.get(rnd.nextInt(f.validators.size()));
      byte[] call =
          rnd.nextBoolean()
              ? ChallengeModule.UNREGISTER_VALIDATOR.encodeCall()
              : ChallengeModule.WITHDRAW_VALIDATOR.encodeCall();
      if (rnd.nextInt(4) == 0) {
        f.passTime(121);
      }
      attempt(v, ChallengeModule.ADDRESS, Amount.ZERO, call);
    }

    private void finalizeBatch() {
      if (posted.isEmpty()) {
        return;
      }
      long seq = rnd.nextInt(posted.size());
      attempt(
          f.bob,
          InferenceModule.ADDRESS,
          Amount.ZERO,
          InferenceModule.FINALIZE_BATCH.encodeCall(f.operator.address(), u(seq)));
    }

    private void unavailableOrFlag() {
      if (rnd.nextBoolean()) {
        Hash request = ChallengeFixture.keccak("unanswered " + seed + " " + rnd.nextInt(4));
        long at = f.c.now();
        byte[] sig =
            new PaidRequest(f.operator.address(), f.model, request, at)
                .sign(f.payer, f.c.chain.chainId());
        attempt(
            f.payer,
            ChallengeModule.ADDRESS,
            ChallengeFixture.P.minimumBond(),
            ChallengeModule.CHALLENGE_UNANSWERED.encodeCall(
                f.operator.address(), u(f.model), request.toArray(), u(at), sig));
      } else {
        long c = rnd.nextBoolean() ? f.aliceContribution : f.bobContribution;
        attempt(
            f.challenger,
            ChallengeModule.ADDRESS,
            ChallengeFixture.P.minimumBond(),
            ChallengeModule.FLAG_CONTRIBUTION.encodeCall(u(c), "reason"));
      }
    }

    /** One transaction in its own block; true when it succeeded. */
    private boolean attempt(KeyPair from, Address to, Amount value, byte[] data) {
      Transaction tx = f.c.tx(from, to, value, data);
      var r = f.c.block(2, List.of(tx)).results().getFirst();
      if (r.success()) {
        outcomes.add(to + ":" + data.length);
        for (var log : r.logs()) {
          if (log.topics().getFirst().equals(InferenceModule.BATCH_CORRECTED.topic())) {
            events.add("batch corrected");
          }
          if (log.topics().getFirst().equals(ChallengeModule.VALIDATOR_PENALIZED.topic())) {
            events.add("validator penalized");
          }
        }
      }
      return r.success();
    }

    /** The checks of the class comment. */
    private void invariants() {
      f.audit();
      StateReader s = f.c.state();
      ChallengeTotals t = ChallengeModule.totals(s);
      List<Address> listed = ChallengeModule.validators(s);
      assertThat(new HashSet<>(listed)).hasSize(t.validators());
      Amount stakes = Amount.ZERO;
      Amount active = Amount.ZERO;
      for (Address a : listed) {
        Validator v = ChallengeModule.validator(s, a).orElseThrow();
        stakes = stakes.add(v.stake());
        active = v.unbonding() ? active : active.add(v.stake());
        assertThat(listed.get(v.index())).isEqualTo(a);
      }
      Amount bonds = Amount.ZERO;
      Map<Long, Long> openPerBatch = new HashMap<>();
      for (long id = 1; id <= ChallengeModule.challengeCount(s); id++) {
        Challenge c = ChallengeModule.challenge(s, id).orElseThrow();
        if (c.open()) {
          bonds = bonds.add(c.bond());
          if (c.kind() == ChallengeKind.HARMFUL_OUTPUT) {
            openPerBatch.merge(c.seq(), 1L, Long::sum);
          }
        }
      }
      assertThat(new ChallengeTotals(stakes, active, bonds, listed.size()))
          .as("seed %s", seed)
          .isEqualTo(t);
      for (Posted p : posted) {
        Batch b = InferenceModule.batch(s, f.operator.address(), p.seq()).orElseThrow();
        assertThat(ChallengeModule.openChallenges(s, f.operator.address(), p.seq()))
            .isEqualTo(openPerBatch.getOrDefault(p.seq(), 0L));
        if (b.open()) {
          assertThat(Payout.total(b.payouts())).isEqualTo(b.total());
          Amount charged = Amount.ZERO;
          for (BatchCharge c : b.charges()) {
            charged = charged.add(c.amount());
          }
          assertThat(charged).isEqualTo(b.total());
        }
      }
      Amount escrows = Amount.ZERO;
      Amount pending = Amount.ZERO;
      Amount claimable = Amount.ZERO;
      List<Address> accounts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        accounts.add(EconomyChain.dev(i).address());
      }
      accounts.add(f.treasury);
      accounts.add(StakingModule.ADDRESS);
      for (Address a : accounts) {
        escrows = escrows.add(InferenceModule.escrowOf(s, a).balance());
        Earnings e = InferenceModule.earnings(s, a);
        pending = pending.add(e.pending());
        claimable = claimable.add(e.claimable());
      }
      assertThat(new InferenceTotals(escrows, pending, claimable))
          .isEqualTo(InferenceModule.totals(s));
    }
  }
}
