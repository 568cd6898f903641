package io.openledger.chain.challenge;

import static io.openledger.chain.challenge.ChallengeFixture.P;
import static io.openledger.chain.challenge.ChallengeFixture.u;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Log;
import io.openledger.chain.challenge.ChallengeFixture.Posted;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.governance.GovernanceModule;
import io.openledger.chain.governance.ParameterRegistryModule;
import io.openledger.chain.governance.ParameterSpec;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.BatchCharge;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Challenges decided in their own transaction: wrong attribution and wrong token count (by the fake
 * recomputation), fabricated usage (by the record's spend signature). After every block the supply
 * invariant holds and every module holds exactly its running totals.
 */
class ChallengeRecordsTest {
  private final ChallengeFixture f = new ChallengeFixture();
  private final Amount bond = P.minimumBond();

  // ---- wrong attribution ----

  @Test
  void anInflatedAttributionIsSlashedAndTheContributorsEndUpPaidAsByAnHonestOperator() {
    String out0 = f.output("rust");
    String out1 = f.output("java");
    InferenceRecord honest = f.honest("what is rust", out0);
    List<Attribution> truth = ChallengeFixture.attributionOf(out1);
    List<Attribution> inflated =
        List.of(new Attribution(f.aliceContribution, 900_000), truth.get(1));
    InferenceRecord cheat =
        f.keyRecord(
            "what is java",
            out1,
            inflated,
            ChallengeFixture.words("what is java"),
            ChallengeFixture.words(out1));
    Posted p = f.post(List.of(honest, cheat));
    Amount total = honest.fee().add(cheat.fee());
    Amount challengerBefore = f.balance(f.challenger);

    TransactionResult r =
        f.send(
            f.challenger,
            bond,
            f.challengeCall(
                p, 1, ChallengeKind.WRONG_ATTRIBUTION, out1.getBytes(StandardCharsets.UTF_8)));

    Amount cut = Amount.open(2_000).multiply(P.attributionSlashBps()).divide(10_000);
    Amount toChallenger = cut.multiply(P.challengerBps()).divide(10_000);
    assertThat(cut).isEqualTo(Amount.open(200));
    assertThat(f.bonded()).isEqualTo(Amount.open(1_800));
    // the challenger gets its share of the cut and its bond back; pays only the gas
    assertThat(f.balance(f.challenger))
        .isEqualTo(challengerBefore.add(toChallenger).subtract(gas(r)));
    Challenge c = f.info(1);
    assertThat(c.status()).isEqualTo(ChallengeStatus.UPHELD);
    assertThat(c.slashed()).isEqualTo(cut);
    assertThat(event(r, ChallengeModule.SLASH_PAID))
        .containsExactly(toChallenger.value(), BigInteger.ZERO, cut.subtract(toChallenger).value());
    assertThat(topics(r, ChallengeModule.CHALLENGE_FILED))
        .contains(word(f.operator.address()), word(f.challenger.address()));

    // the batch now holds the honest split of both records; its total is unchanged
    List<Payout> honestSplit = new ArrayList<>(f.claimedSplit(honest));
    honestSplit.addAll(f.split(cheat, cheat.fee(), truth));
    assertThat(f.payouts(p.seq())).isEqualTo(ChallengeFixture.asMap(honestSplit));
    assertThat(InferenceModule.batch(f.c.state(), f.operator.address(), 0).orElseThrow().total())
        .isEqualTo(total);

    // once final, alice can claim exactly what an honest operator would have paid her
    f.passTime(60);
    f.send(
        f.bob,
        InferenceModule.ADDRESS,
        Amount.ZERO,
        InferenceModule.FINALIZE_BATCH.encodeCall(f.operator.address(), u(0)));
    assertThat(InferenceModule.earnings(f.c.state(), f.alice.address()).claimable())
        .isEqualTo(ChallengeFixture.asMap(honestSplit).get(f.alice.address()));
  }

  @Test
  void aShareChangeWhileTheBatchIsOpenStillCorrectsItWithTheSharesItWasPostedWith() {
    // a proposal halving the platform share is queued before the batch and executed after it
    KeyPair voter = f.curator;
    Address gov = GovernanceModule.ADDRESS;
    f.send(voter, gov, Amount.open(20_000), GovernanceModule.LOCK.encodeCall());
    f.send(voter, gov, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(voter.address()));
    List<Address> targets =
        List.of(ParameterRegistryModule.ADDRESS, ParameterRegistryModule.ADDRESS);
    List<BigInteger> values = List.of(BigInteger.ZERO, BigInteger.ZERO);
    List<byte[]> calls =
        List.of(
            ParameterRegistryModule.SET_PARAMETER.encodeCall(
                ParameterSpec.key("platformBps"), u(500)),
            ParameterRegistryModule.SET_PARAMETER.encodeCall(
                ParameterSpec.key("ownerBps"), u(2_500)));
    String text = "halve the platform share";
    byte[] hash = GovernanceModule.descriptionHash(text);
    BigInteger id =
        GovernanceModule.hashProposal(new GovernanceModule.Actions(targets, values, calls), hash);
    f.send(
        voter, gov, Amount.ZERO, GovernanceModule.PROPOSE.encodeCall(targets, values, calls, text));
    f.passTime(3);
    f.send(voter, gov, Amount.ZERO, GovernanceModule.CAST_VOTE.encodeCall(id, BigInteger.ONE));
    f.passTime(25);
    f.send(
        voter, gov, Amount.ZERO, GovernanceModule.QUEUE.encodeCall(targets, values, calls, hash));

    String out0 = f.output("rust");
    String out1 = f.output("java");
    InferenceRecord honest = f.honest("what is rust", out0);
    List<Attribution> truth = ChallengeFixture.attributionOf(out1);
    InferenceRecord cheat =
        f.keyRecord(
            "what is java",
            out1,
            List.of(new Attribution(f.aliceContribution, 900_000), truth.get(1)),
            ChallengeFixture.words("what is java"),
            ChallengeFixture.words(out1));
    Posted p = f.post(List.of(honest, cheat)); // split with the genesis shares
    f.passTime(6);
    f.send(
        voter, gov, Amount.ZERO, GovernanceModule.EXECUTE.encodeCall(targets, values, calls, hash));
    assertThat(InferenceModule.batchFeeRule(f.c.state(), f.operator.address(), p.seq()))
        .contains(ChallengeFixture.RULE);

    f.send(
        f.challenger,
        bond,
        f.challengeCall(
            p, 1, ChallengeKind.WRONG_ATTRIBUTION, out1.getBytes(StandardCharsets.UTF_8)));
    assertThat(f.info(1).status()).isEqualTo(ChallengeStatus.UPHELD);
    // corrected, not voided: the honest record's split stays, the cheat's is the true one, both
    // with the shares the batch was posted with
    assertThat(
            InferenceModule.batch(f.c.state(), f.operator.address(), p.seq())
                .orElseThrow()
                .voided())
        .isFalse();
    List<Payout> honestSplit = new ArrayList<>(f.claimedSplit(honest));
    honestSplit.addAll(f.split(cheat, cheat.fee(), truth));
    assertThat(f.payouts(p.seq())).isEqualTo(ChallengeFixture.asMap(honestSplit));
  }

  @Test
  void aChallengeOfAnHonestRecordLosesItsBondAndChangesNoPayout() {
    String out = f.output("go");
    Posted p = f.post(List.of(f.honest("what is go", out)));
    Map<Address, Amount> before = f.payouts(p.seq());
    Amount challengerBefore = f.balance(f.challenger);
    Amount stake = f.bonded();
    TransactionResult r =
        f.send(
            f.challenger,
            bond,
            f.challengeCall(
                p, 0, ChallengeKind.WRONG_ATTRIBUTION, out.getBytes(StandardCharsets.UTF_8)));
    assertThat(f.balance(f.challenger)).isEqualTo(challengerBefore.subtract(bond).subtract(gas(r)));
    assertThat(f.info(1).status()).isEqualTo(ChallengeStatus.REJECTED);
    assertThat(f.bonded()).isEqualTo(stake);
    assertThat(f.payouts(p.seq())).isEqualTo(before);
    assertThat(event(r, ChallengeModule.BOND_SETTLED)).containsExactly(bond.value(), false);
    // rejected, the record may be challenged again (for another fault)
    f.send(
        f.challenger,
        bond,
        f.challengeCall(
            p, 0, ChallengeKind.WRONG_TOKEN_COUNT, ChallengeFixture.evidence("what is go", out)));
    assertThat(f.info(2).status()).isEqualTo(ChallengeStatus.REJECTED);
  }

  @Test
  void evidenceThatIsNotTheRecordsOutputIsRefused() {
    Posted p = f.post(List.of(f.honest("q", f.output("x"))));
    assertThat(
            f.refused(
                f.challenger,
                bond,
                f.challengeCall(
                    p,
                    0,
                    ChallengeKind.WRONG_ATTRIBUTION,
                    "another text".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(
            "challenge: the evidence cannot be checked: the output's hash is not the record's"
                + " outputHash");
  }

  @Test
  void recomputationIsChargedByTheEvidencesSize() {
    String small = f.output("s");
    String large = f.output("l" + "x".repeat(4_000));
    Posted p = f.post(List.of(f.honest("q", small), f.honest("q", large)));
    TransactionResult a =
        f.send(
            f.challenger,
            bond,
            f.challengeCall(p, 0, ChallengeKind.WRONG_ATTRIBUTION, small.getBytes()));
    TransactionResult b =
        f.send(
            f.challenger,
            bond,
            f.challengeCall(p, 1, ChallengeKind.WRONG_ATTRIBUTION, large.getBytes()));
    long extraBytes = large.length() - small.length();
    // the larger evidence costs its bytes' recomputation gas on top of the calldata's
    assertThat(b.gasUsed() - a.gasUsed())
        .isGreaterThanOrEqualTo(ChallengeModule.RECOMPUTE_GAS_PER_BYTE * extraBytes);
    assertThat(a.gasUsed()).isGreaterThan(ChallengeModule.RECOMPUTE_BASE_GAS);
  }

  // ---- wrong token count ----

  @Test
  void anInflatedTokenCountIsSlashedTheOverchargeRefundedAndThePayerPaidItsShare() {
    String req = "tell me about tokens";
    String out = f.output("tokens");
    InferenceRecord cheat =
        f.keyRecord(
            req,
            out,
            ChallengeFixture.attributionOf(out),
            ChallengeFixture.words(req),
            ChallengeFixture.words(out) + 400);
    Posted p = f.post(List.of(cheat));
    Amount trueFee =
        ChallengeFixture.RULE.fee(
            ChallengeFixture.words(req),
            ChallengeFixture.words(out),
            ChallengeFixture.PRICE_IN,
            ChallengeFixture.PRICE_OUT);
    Amount refund = cheat.fee().subtract(trueFee);
    assertThat(refund.isZero()).isFalse();
    Amount escrowBefore = f.escrow();
    Amount payerBefore = f.balance(f.payer);

    TransactionResult r =
        f.send(
            f.challenger,
            bond,
            f.challengeCall(
                p, 0, ChallengeKind.WRONG_TOKEN_COUNT, ChallengeFixture.evidence(req, out)));

    Amount cut = Amount.open(2_000).multiply(P.tokenCountSlashBps()).divide(10_000);
    Amount toChallenger = cut.multiply(P.challengerBps()).divide(10_000);
    Amount toPayer = cut.multiply(P.harmedPayerBps()).divide(10_000);
    assertThat(event(r, ChallengeModule.SLASH_PAID))
        .containsExactly(
            toChallenger.value(),
            toPayer.value(),
            cut.subtract(toChallenger).subtract(toPayer).value());
    assertThat(f.balance(f.payer)).isEqualTo(payerBefore.add(toPayer));
    assertThat(f.escrow()).isEqualTo(escrowBefore.add(refund));
    assertThat(f.payouts(p.seq()))
        .isEqualTo(ChallengeFixture.asMap(f.split(cheat, trueFee, cheat.attribution())));
    assertThat(InferenceModule.batch(f.c.state(), f.operator.address(), 0).orElseThrow().total())
        .isEqualTo(trueFee);
    assertThat(event(f.c.chain.headBlock().results().getFirst(), InferenceModule.BATCH_CORRECTED))
        .containsExactly(refund.value(), trueFee.value());
  }

  @Test
  void aCorrectionRefundsTheRecordsOwnPayerAndLeavesTheOtherChargesWhole() {
    Hash bobKey = ChallengeFixture.keccak("bob's key");
    f.send(f.bob, InferenceModule.ADDRESS, Amount.open(50), InferenceModule.DEPOSIT.encodeCall());
    f.c.ok(
        f.bob,
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(bobKey.toArray(), Amount.open(50).value()));
    String out0 = f.output("first");
    String out1 =
        f.output("second"); // credits bob's contribution: bob paying, its part to treasury
    InferenceRecord mine = f.honest("payer asks", out0);
    InferenceRecord bobs =
        f.record(
            f.bob.address(),
            bobKey,
            "bob asks",
            out1,
            ChallengeFixture.attributionOf(out1),
            2,
            ChallengeFixture.words(out1) + 300,
            Amount.ZERO,
            new byte[0]);
    List<Payout> payouts = new ArrayList<>(f.claimedSplit(mine));
    payouts.addAll(f.claimedSplit(bobs));
    Posted p =
        f.post(
            List.of(mine, bobs),
            List.of(
                Charge.withKey(f.payer.address(), ChallengeFixture.KEY, mine.fee()),
                Charge.withKey(f.bob.address(), bobKey, bobs.fee())),
            Payout.merge(payouts));
    Amount payerEscrow = f.escrow();
    Amount bobEscrow = InferenceModule.escrowOf(f.c.state(), f.bob.address()).balance();
    Amount trueFee =
        ChallengeFixture.RULE.fee(
            2, ChallengeFixture.words(out1), ChallengeFixture.PRICE_IN, ChallengeFixture.PRICE_OUT);

    f.send(
        f.challenger,
        bond,
        f.challengeCall(
            p, 1, ChallengeKind.WRONG_TOKEN_COUNT, ChallengeFixture.evidence("bob asks", out1)));

    assertThat(f.escrow()).isEqualTo(payerEscrow);
    assertThat(InferenceModule.escrowOf(f.c.state(), f.bob.address()).balance())
        .isEqualTo(bobEscrow.add(bobs.fee().subtract(trueFee)));
    var b = InferenceModule.batch(f.c.state(), f.operator.address(), 0).orElseThrow();
    assertThat(b.charges())
        .containsExactly(
            new BatchCharge(f.payer.address(), ChallengeFixture.KEY, mine.fee()),
            new BatchCharge(f.bob.address(), bobKey, trueFee));
    List<Payout> expected = new ArrayList<>(f.claimedSplit(mine));
    expected.addAll(f.split(bobs, trueFee, bobs.attribution()));
    assertThat(f.payouts(0)).isEqualTo(ChallengeFixture.asMap(expected));
    assertThat(b.total()).isEqualTo(mine.fee().add(trueFee));
  }

  @Test
  void aCorrectTokenCountLosesTheBond() {
    String req = "a b c";
    String out = f.output("d");
    Posted p = f.post(List.of(f.honest(req, out)));
    Amount escrow = f.escrow();
    f.send(
        f.challenger,
        bond,
        f.challengeCall(
            p, 0, ChallengeKind.WRONG_TOKEN_COUNT, ChallengeFixture.evidence(req, out)));
    assertThat(f.info(1).status()).isEqualTo(ChallengeStatus.REJECTED);
    assertThat(f.escrow()).isEqualTo(escrow);
  }

  // ---- fabricated usage ----

  @Test
  void aRecordThePayerNeverSignedIsRefundedWholeAndTheOperatorSlashed() {
    long chainId = f.c.chain.chainId();
    String realOut = f.output("real");
    SpendAuthorization real =
        new SpendAuthorization(
            f.operator.address(), ChallengeFixture.keccak("real request"), Amount.open(10));
    byte[] realSig = real.sign(f.payer, chainId);
    InferenceRecord genuine =
        f.record(
            Hash.ZERO,
            "real request",
            realOut,
            ChallengeFixture.attributionOf(realOut),
            3,
            ChallengeFixture.words(realOut),
            real.authorized(),
            realSig);
    // the operator invents a second request and reuses the payer's signature of the first
    String fakeOut = f.output("invented");
    InferenceRecord invented =
        f.record(
            Hash.ZERO,
            "invented request",
            fakeOut,
            ChallengeFixture.attributionOf(fakeOut),
            3,
            ChallengeFixture.words(fakeOut),
            real.authorized(),
            realSig);
    List<Payout> payouts = new ArrayList<>(f.claimedSplit(genuine));
    payouts.addAll(f.claimedSplit(invented));
    Amount total = genuine.fee().add(invented.fee());
    Posted p =
        f.post(
            List.of(genuine, invented),
            List.of(f.signedCharge(real, total)),
            Payout.merge(payouts));
    Amount escrow = f.escrow();

    // only the payer claims it
    assertThat(
            f.refused(
                f.challenger,
                bond,
                f.challengeCall(p, 1, ChallengeKind.FABRICATED_USAGE, new byte[0])))
        .isEqualTo(
            "challenge: only the record's payer " + f.payer.address() + " claims fabricated usage");
    // the genuine record carries the payer's signature: the claim is rejected
    f.send(f.payer, bond, f.challengeCall(p, 0, ChallengeKind.FABRICATED_USAGE, new byte[0]));
    assertThat(f.info(1).status()).isEqualTo(ChallengeStatus.REJECTED);

    Amount payerBefore = f.balance(f.payer);
    TransactionResult r =
        f.send(f.payer, bond, f.challengeCall(p, 1, ChallengeKind.FABRICATED_USAGE, new byte[0]));
    assertThat(f.info(2).status()).isEqualTo(ChallengeStatus.UPHELD);
    Amount cut = Amount.open(2_000).multiply(P.fabricatedUsageSlashBps()).divide(10_000);
    Amount toChallenger = cut.multiply(P.challengerBps()).divide(10_000);
    Amount toPayer = cut.multiply(P.harmedPayerBps()).divide(10_000);
    // the payer is both challenger and harmed payer: both shares, and its bond back
    assertThat(f.balance(f.payer))
        .isEqualTo(payerBefore.add(toChallenger).add(toPayer).subtract(gas(r)));
    assertThat(f.escrow()).isEqualTo(escrow.add(invented.fee()));
    assertThat(f.payouts(p.seq())).isEqualTo(ChallengeFixture.asMap(f.claimedSplit(genuine)));
  }

  @Test
  void fabricatedUsageIsClaimedOfSignedModeRecordsOnly() {
    Posted p = f.post(List.of(f.honest("q", f.output("k"))));
    assertThat(
            f.refused(
                f.payer, bond, f.challengeCall(p, 0, ChallengeKind.FABRICATED_USAGE, new byte[0])))
        .startsWith("challenge: fabricated usage is claimed of signed-mode records");
  }

  // ---- voiding ----

  @Test
  void aBatchThatDoesNotHoldItsRecordsClaimedSplitIsVoidedAndEveryChargeRefunded() {
    String out = f.output("void");
    InferenceRecord cheat =
        f.keyRecord(
            "q v",
            out,
            List.of(new Attribution(f.aliceContribution, 900_000)),
            2,
            ChallengeFixture.words(out));
    // the batch pays everything to the model owner, not what the record claims
    Posted p =
        f.post(
            List.of(cheat),
            List.of(Charge.withKey(f.payer.address(), ChallengeFixture.KEY, cheat.fee())),
            List.of(new Payout(f.owner.address(), cheat.fee())));
    Amount escrow = f.escrow();
    TransactionResult r =
        f.send(
            f.challenger,
            bond,
            f.challengeCall(p, 0, ChallengeKind.WRONG_ATTRIBUTION, out.getBytes()));
    assertThat(f.info(1).status()).isEqualTo(ChallengeStatus.UPHELD);
    assertThat(f.escrow()).isEqualTo(escrow.add(cheat.fee()));
    assertThat(f.pending(f.owner.address())).isEqualTo(Amount.ZERO);
    var b = InferenceModule.batch(f.c.state(), f.operator.address(), 0).orElseThrow();
    assertThat(b.voided()).isTrue();
    assertThat(b.total()).isEqualTo(Amount.ZERO);
    assertThat(event(r, InferenceModule.BATCH_VOIDED)).containsExactly(cheat.fee().value());
    f.passTime(60);
    assertThat(
            f.refused(
                f.bob,
                InferenceModule.ADDRESS,
                Amount.ZERO,
                InferenceModule.FINALIZE_BATCH.encodeCall(f.operator.address(), u(0)),
                2))
        .isEqualTo(
            "inference: batch 0 of "
                + f.operator.address()
                + " was voided by a challenge; there is nothing to finalize");
  }

  // ---- refusals ----

  @Test
  void badChallengesAreRefusedWithTheirReasonAndChangeNothing() {
    String out = f.output("r");
    InferenceRecord r0 = f.honest("q0", out);
    InferenceRecord r1 = f.honest("q1", out);
    Posted p = f.post(List.of(r0, r1));
    byte[] ev = out.getBytes();
    Address op = f.operator.address();

    assertThat(
            f.refused(
                f.challenger,
                bond.subtract(Amount.of(1)),
                f.challengeCall(p, 0, ChallengeKind.WRONG_ATTRIBUTION, ev)))
        .isEqualTo("challenge: a bond of 9.999999999999999999 OPEN is below the minimum 10 OPEN");
    assertThat(
            f.refused(
                f.challenger,
                bond,
                ChallengeModule.CHALLENGE.encodeCall(
                    op, u(0), u(9), r0.encode(), p.proof(0), u(0), ev)))
        .startsWith("challenge: unknown kind 9");
    assertThat(
            f.refused(
                f.challenger,
                bond,
                ChallengeModule.CHALLENGE.encodeCall(
                    op, u(7), u(1), r0.encode(), p.proof(0), u(0), ev)))
        .isEqualTo("challenge: batch 7 of " + op + " was never posted");
    // a bad proof: record 0's proof for record 1
    assertThat(
            f.refused(
                f.challenger,
                bond,
                ChallengeModule.CHALLENGE.encodeCall(
                    op, u(0), u(1), r1.encode(), p.proof(0), u(1), ev)))
        .isEqualTo(
            "challenge: the proof does not show record 1 in batch 0's records root " + p.root());
    // the wrong index for the record
    assertThat(
            f.refused(
                f.challenger,
                bond,
                ChallengeModule.CHALLENGE.encodeCall(
                    op, u(0), u(1), r0.encode(), p.proof(1), u(1), ev)))
        .isEqualTo("challenge: record 0 is not at index 1 of batch 0 (which holds record 1 there)");
    assertThat(
            f.refused(
                f.challenger,
                bond,
                ChallengeModule.CHALLENGE.encodeCall(
                    op, u(0), u(1), r0.encode(), p.proof(0), u(5), ev)))
        .isEqualTo("challenge: index 5 is outside batch 0's 2 records");
    // a record of another operator
    assertThat(
            f.refused(
                f.challenger,
                bond,
                ChallengeModule.CHALLENGE.encodeCall(
                    op, u(0), u(1), ofBob(r0).encode(), p.proof(0), u(0), ev)))
        .isEqualTo("challenge: the record is of operator " + f.bob.address() + ", not " + op);
    assertThat(
            f.refused(
                f.challenger,
                bond,
                ChallengeModule.CHALLENGE.encodeCall(
                    op, u(0), u(1), new byte[] {1, 2, 3}, p.proof(0), u(0), ev)))
        .startsWith("challenge: the record does not decode");
    assertThat(
            f.refused(
                f.challenger,
                bond,
                ChallengeModule.CHALLENGE.encodeCall(
                    op, u(0), u(4), r0.encode(), p.proof(0), u(0), ev)))
        .isEqualTo("challenge: unavailability is claimed with challengeUnanswered");

    // after the window, and once final
    f.passTime(60);
    assertThat(
            f.refused(
                f.challenger, bond, f.challengeCall(p, 0, ChallengeKind.WRONG_ATTRIBUTION, ev)))
        .startsWith("challenge: batch 0 of " + op + "'s challenge window ended at ");
    f.send(
        f.bob,
        InferenceModule.ADDRESS,
        Amount.ZERO,
        InferenceModule.FINALIZE_BATCH.encodeCall(op, u(0)));
    assertThat(
            f.refused(
                f.challenger, bond, f.challengeCall(p, 0, ChallengeKind.WRONG_ATTRIBUTION, ev)))
        .isEqualTo("challenge: batch 0 of " + op + " is final");
  }

  @Test
  void aRecordAlreadyCorrectedCannotBeChallengedAgain() {
    String out = f.output("twice");
    InferenceRecord cheat =
        f.keyRecord(
            "q",
            out,
            List.of(new Attribution(f.aliceContribution, 500_000)),
            1,
            ChallengeFixture.words(out));
    Posted p = f.post(List.of(cheat));
    f.send(
        f.challenger, bond, f.challengeCall(p, 0, ChallengeKind.WRONG_ATTRIBUTION, out.getBytes()));
    assertThat(
            f.refused(
                f.challenger,
                bond,
                f.challengeCall(
                    p, 0, ChallengeKind.WRONG_TOKEN_COUNT, ChallengeFixture.evidence("q", out))))
        .isEqualTo(
            "challenge: record 0 of "
                + f.operator.address()
                + " was already corrected (challenge 1, upheld)");
  }

  @Test
  void rulesWithoutAVerifierRefuseRecomputedKindsButDecideTheOthers() {
    ChallengeFixture plain = new ChallengeFixture(false);
    String out = plain.output("plain");
    Posted p = plain.post(List.of(plain.honest("q", out)));
    assertThat(
            plain.refused(
                plain.challenger,
                bond,
                plain.challengeCall(p, 0, ChallengeKind.WRONG_ATTRIBUTION, out.getBytes())))
        .isEqualTo(
            "challenge: these rules carry no record verifier, so wrong attribution cannot be"
                + " decided here");
    assertThat(
            plain.refused(
                plain.challenger,
                bond,
                plain.challengeCall(
                    p, 0, ChallengeKind.WRONG_TOKEN_COUNT, ChallengeFixture.evidence("q", out))))
        .isEqualTo(
            "challenge: these rules carry no record verifier, so wrong token count cannot be"
                + " decided here");
    assertThat(
            plain.refused(
                plain.challenger,
                bond,
                plain.challengeCall(p, 0, ChallengeKind.HARMFUL_OUTPUT, new byte[0])))
        .isEqualTo("challenge: no active validator could vote on it");
    plain.registerValidators(Amount.open(1_000));
    plain.send(
        plain.challenger,
        bond,
        plain.challengeCall(p, 0, ChallengeKind.HARMFUL_OUTPUT, new byte[0]));
    assertThat(plain.info(1).status()).isEqualTo(ChallengeStatus.OPEN);
  }

  @Test
  void onlyTheChallengeModuleCorrectsOrVoidsABatch() {
    InferenceRecord r = f.honest("q", f.output("only"));
    Posted p = f.post(List.of(r));
    assertThat(
            f.refused(
                f.operator,
                InferenceModule.ADDRESS,
                Amount.ZERO,
                InferenceModule.encodeCorrectBatch(
                    f.operator.address(),
                    p.seq(),
                    f.payer.address(),
                    ChallengeFixture.KEY,
                    f.claimedSplit(r),
                    List.of()),
                2))
        .isEqualTo("inference: only the challenge module corrects or voids batches");
    assertThat(
            f.refused(
                f.payer,
                InferenceModule.ADDRESS,
                Amount.ZERO,
                InferenceModule.VOID_BATCH.encodeCall(f.operator.address(), u(0)),
                2))
        .isEqualTo("inference: only the challenge module corrects or voids batches");
    var view =
        f.c.simulate(
            InferenceModule.ADDRESS,
            InferenceModule.BATCH_CHARGES.encodeCall(f.operator.address(), u(0)));
    List<Object> out =
        InferenceModule.BATCH_CHARGES.decodeResult(
            ((io.openledger.chain.exec.SimulationResult.Success) view).returnData());
    List<?> charge = (List<?>) ((List<?>) out.get(0)).getFirst();
    assertThat(charge.get(0)).isEqualTo(f.payer.address());
    assertThat(Hash.wrap((byte[]) charge.get(1))).isEqualTo(ChallengeFixture.KEY);
    assertThat(charge.get(2)).isEqualTo(r.fee().value());
    assertThat(out.get(1)).isEqualTo(false);
  }

  // ---- helpers ----

  /** The same record as served and signed by bob instead of the operator. */
  private InferenceRecord ofBob(InferenceRecord r) {
    return new InferenceRecord(
            f.bob.address(),
            r.number(),
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
        .signedBy(f.bob);
  }

  private static Amount gas(TransactionResult r) {
    return r.effectiveGasPrice().multiply(r.gasUsed());
  }

  /** The data values of the first log of {@code event} in the transaction. */
  static List<Object> event(TransactionResult r, io.openledger.chain.module.AbiEvent event) {
    Log log =
        r.logs().stream()
            .filter(l -> l.topics().getFirst().equals(event.topic()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + event.name() + " log"));
    List<AbiType> types =
        event.parameters().stream()
            .filter(p -> !p.indexed())
            .map(io.openledger.chain.module.AbiEvent.Parameter::type)
            .toList();
    return Abi.decode(types, log.data());
  }

  static List<Hash> topics(TransactionResult r, io.openledger.chain.module.AbiEvent event) {
    return r.logs().stream()
        .filter(l -> l.topics().getFirst().equals(event.topic()))
        .findFirst()
        .orElseThrow()
        .topics();
  }

  static Hash word(Address a) {
    return Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(a)));
  }
}
