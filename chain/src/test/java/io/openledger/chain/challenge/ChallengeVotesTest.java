package io.openledger.chain.challenge;

import static io.openledger.chain.challenge.ChallengeFixture.P;
import static io.openledger.chain.challenge.ChallengeFixture.u;
import static io.openledger.chain.challenge.ChallengeRecordsTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.challenge.ChallengeFixture.Posted;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.ContributionBond;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Challenges decided by the validators' stake-weighted vote (harmful output, adversarial data) or
 * by the operator's failure to answer (unavailability), and the validators' stakes, penalties and
 * unbonding. Devnet: vote and answer windows 30 s, unbonding 120 s, quorum 33.34%, majority 50.01%,
 * penalty 1%, 3 misses in a row.
 */
class ChallengeVotesTest {
  private final ChallengeFixture f = new ChallengeFixture();
  private final Amount bond = P.minimumBond();
  private final Amount thousand = Amount.open(1_000);

  private long harmful(Posted p, int index) {
    return f.challenge(
        f.challenger, bond, f.challengeCall(p, index, ChallengeKind.HARMFUL_OUTPUT, new byte[0]));
  }

  // ---- harmful output ----

  @Test
  void aHarmfulOutputUpheldByVoteSlashesRefundsThePayerAndTheMinorityLosesItsSlice() {
    f.registerValidators(thousand, thousand, thousand);
    InferenceRecord r = f.honest("how to harm", f.output("harm"));
    Posted p = f.post(List.of(r));
    f.passTime(50);
    long id = harmful(p, 0);
    assertThat(ChallengeModule.openChallenges(f.c.state(), f.operator.address(), 0)).isEqualTo(1);
    // the batch's window passes while the vote runs: it cannot be finalized yet
    f.passTime(10);
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
                + " has 1 open challenge; it can be finalized once they are decided");
    f.vote(f.validators.get(0), id, true);
    f.vote(f.validators.get(1), id, true);
    f.vote(f.validators.get(2), id, false);
    assertThat(f.refused(f.challenger, Amount.ZERO, ChallengeModule.RESOLVE.encodeCall(u(id))))
        .startsWith("challenge: challenge " + id + "'s vote ends at ");
    f.passTime(30);
    Amount escrow = f.escrow();
    Amount payer = f.balance(f.payer);
    TransactionResult res = f.resolve(id);

    Challenge c = f.info(id);
    assertThat(c.status()).isEqualTo(ChallengeStatus.UPHELD);
    Amount cut = Amount.open(2_000).multiply(P.harmfulOutputSlashBps()).divide(10_000);
    assertThat(c.slashed()).isEqualTo(cut);
    Amount toPayer = cut.multiply(P.harmedPayerBps()).divide(10_000);
    assertThat(f.balance(f.payer)).isEqualTo(payer.add(toPayer));
    assertThat(f.escrow()).isEqualTo(escrow.add(r.fee()));
    assertThat(f.payouts(0)).isEmpty();
    // the minority validator lost 1% of its stake; the majority kept theirs
    assertThat(stake(f.validators.get(2))).isEqualTo(Amount.open(990));
    assertThat(stake(f.validators.get(0))).isEqualTo(thousand);
    assertThat(event(res, ChallengeModule.VALIDATOR_PENALIZED))
        .containsExactly(Amount.open(10).value(), "voted against the outcome of challenge " + id);
    assertThat(ChallengeModule.openChallenges(f.c.state(), f.operator.address(), 0)).isZero();
    f.send(
        f.bob,
        InferenceModule.ADDRESS,
        Amount.ZERO,
        InferenceModule.FINALIZE_BATCH.encodeCall(f.operator.address(), u(0)));
  }

  @Test
  void aFrivolousChallengeRejectedByVoteLosesItsBondAndTheValidatorsForItTheirSlice() {
    f.registerValidators(thousand, thousand, thousand);
    Posted p = f.post(List.of(f.honest("fine", f.output("fine"))));
    long id = harmful(p, 0);
    f.vote(f.validators.get(0), id, false);
    f.vote(f.validators.get(1), id, false);
    f.vote(f.validators.get(2), id, true);
    f.passTime(30);
    Amount before = f.balance(f.challenger);
    Amount stake = f.bonded();
    TransactionResult res = f.resolve(id);
    assertThat(f.info(id).status()).isEqualTo(ChallengeStatus.REJECTED);
    assertThat(f.bonded()).isEqualTo(stake);
    // the resolver here is the challenger itself: it pays gas and gets no bond back
    assertThat(f.balance(f.challenger))
        .isEqualTo(before.subtract(res.effectiveGasPrice().multiply(res.gasUsed())));
    assertThat(event(res, ChallengeModule.BOND_SETTLED)).containsExactly(bond.value(), false);
    assertThat(stake(f.validators.get(2))).isEqualTo(Amount.open(990));
    // rejected: the record may be challenged again
    harmful(p, 0);
  }

  @Test
  void withoutQuorumTheBondGoesBackAndNothingIsSlashed() {
    f.registerValidators(thousand, thousand, thousand);
    Posted p = f.post(List.of(f.honest("q", f.output("q"))));
    long id = harmful(p, 0);
    f.vote(f.validators.get(0), id, true); // 1,000 of 3,000 < 33.34%
    f.passTime(30);
    Amount before = f.balance(f.challenger);
    TransactionResult res = f.resolve(id);
    assertThat(f.info(id).status()).isEqualTo(ChallengeStatus.NO_QUORUM);
    assertThat(f.bonded()).isEqualTo(ChallengeFixture.OPERATOR_STAKE);
    assertThat(f.balance(f.challenger))
        .isEqualTo(before.add(bond).subtract(res.effectiveGasPrice().multiply(res.gasUsed())));
    assertThat(
            ChallengeModule.validator(f.c.state(), f.validators.get(1).address())
                .orElseThrow()
                .misses())
        .isEqualTo(1);
  }

  @Test
  void aValidatorWhoMissesThreeVotesInARowIsPenalized() {
    f.registerValidators(thousand, thousand, thousand);
    for (int i = 0; i < 3; i++) {
      Posted p = f.post(List.of(f.honest("q" + i, f.output("t" + i))));
      long id = harmful(p, 0);
      f.vote(f.validators.get(0), id, false);
      f.vote(f.validators.get(1), id, false);
      f.passTime(30);
      TransactionResult res = f.resolve(id);
      if (i < 2) {
        assertThat(stake(f.validators.get(2))).isEqualTo(thousand);
        assertThat(
                ChallengeModule.validator(f.c.state(), f.validators.get(2).address())
                    .orElseThrow()
                    .misses())
            .isEqualTo(i + 1);
      } else {
        assertThat(event(res, ChallengeModule.VALIDATOR_PENALIZED))
            .containsExactly(
                Amount.open(10).value(), "missed 3 votes in a row (challenge " + id + ")");
      }
    }
    assertThat(stake(f.validators.get(2))).isEqualTo(Amount.open(990));
    assertThat(
            ChallengeModule.validator(f.c.state(), f.validators.get(2).address())
                .orElseThrow()
                .misses())
        .isZero();
    assertThat(stake(f.validators.get(0))).isEqualTo(thousand);
  }

  @Test
  void badVotesAreRefused() {
    f.registerValidators(thousand, thousand);
    Posted p = f.post(List.of(f.honest("q", f.output("q"))));
    long id = harmful(p, 0);
    KeyPair v0 = f.validators.get(0);
    f.vote(v0, id, true);
    assertThat(f.refused(v0, Amount.ZERO, ChallengeModule.VOTE.encodeCall(u(id), false)))
        .isEqualTo("challenge: validator " + v0.address() + " already voted on challenge " + id);
    assertThat(f.refused(f.bob, Amount.ZERO, ChallengeModule.VOTE.encodeCall(u(id), true)))
        .isEqualTo("challenge: " + f.bob.address() + " is not a validator");
    assertThat(f.refused(v0, Amount.ZERO, ChallengeModule.VOTE.encodeCall(u(99), true)))
        .isEqualTo("challenge: no challenge 99");
    // registered after the challenge was filed: its stake was not in the quorum's base
    KeyPair late = f.validators.get(2);
    f.send(late, thousand, ChallengeModule.REGISTER_VALIDATOR.encodeCall());
    assertThat(f.refused(late, Amount.ZERO, ChallengeModule.VOTE.encodeCall(u(id), true)))
        .isEqualTo(
            "challenge: validator "
                + late.address()
                + " registered after challenge "
                + id
                + " was filed");
    f.passTime(30);
    assertThat(
            f.refused(
                f.validators.get(1), Amount.ZERO, ChallengeModule.VOTE.encodeCall(u(id), true)))
        .startsWith("challenge: the vote on challenge " + id + " ended at ");
    f.resolve(id);
    assertThat(f.refused(f.challenger, Amount.ZERO, ChallengeModule.RESOLVE.encodeCall(u(id))))
        .isEqualTo("challenge: challenge " + id + " is already decided (upheld)");
  }

  // ---- validators ----

  @Test
  void validatorsRegisterUnbondAndWithdrawAfterTheDelayAndStaySlashableMeanwhile() {
    KeyPair v = f.validators.get(0);
    assertThat(f.refused(v, Amount.open(999), ChallengeModule.REGISTER_VALIDATOR.encodeCall()))
        .isEqualTo("challenge: a validator registers with at least 1000 OPEN, got 999 OPEN");
    f.registerValidators(thousand, thousand);
    f.send(v, Amount.open(500), ChallengeModule.REGISTER_VALIDATOR.encodeCall());
    assertThat(stake(v)).isEqualTo(Amount.open(1_500));
    assertThat(ChallengeModule.totals(f.c.state()).activeStake()).isEqualTo(Amount.open(2_500));

    Posted p = f.post(List.of(f.honest("q", f.output("q"))));
    long id = harmful(p, 0);
    f.vote(v, id, false);
    f.vote(f.validators.get(1), id, true);
    // v unregisters before the vote is decided: it can no longer vote, but is still penalized
    long at = f.c.now() + 2;
    TransactionResult u = f.send(v, ChallengeModule.UNREGISTER_VALIDATOR.encodeCall());
    assertThat(ChallengeModule.UNREGISTER_VALIDATOR.decodeResult(u.returnData()))
        .containsExactly(u(at + 120));
    assertThat(f.refused(v, Amount.ZERO, ChallengeModule.VOTE.encodeCall(u(id), true)))
        .isEqualTo("challenge: validator " + v.address() + " is unbonding (since it unregistered)");
    assertThat(f.refused(v, Amount.open(1), ChallengeModule.REGISTER_VALIDATOR.encodeCall()))
        .startsWith("challenge: validator " + v.address() + " is unbonding until ");
    f.passTime(30);
    f.resolve(id); // 1,000 upheld against 1,500: rejected... unless the majority says otherwise
    Challenge c = f.info(id);
    assertThat(c.status()).isEqualTo(ChallengeStatus.REJECTED);
    // v voted with the majority; validator 1 loses its slice
    assertThat(stake(f.validators.get(1))).isEqualTo(Amount.open(990));
    long t = f.c.now() + 2;
    assertThat(f.refused(v, Amount.ZERO, ChallengeModule.WITHDRAW_VALIDATOR.encodeCall()))
        .isEqualTo(
            "challenge: validator "
                + v.address()
                + "'s stake is released at "
                + (at + 120)
                + " (now "
                + t
                + ")");
    f.passTime(120);
    Amount before = f.balance(v);
    TransactionResult w = f.send(v, ChallengeModule.WITHDRAW_VALIDATOR.encodeCall());
    assertThat(f.balance(v))
        .isEqualTo(
            before.add(Amount.open(1_500)).subtract(w.effectiveGasPrice().multiply(w.gasUsed())));
    assertThat(ChallengeModule.validator(f.c.state(), v.address())).isEmpty();
    assertThat(ChallengeModule.validators(f.c.state()))
        .containsExactly(f.validators.get(1).address());
    assertThat(f.refused(v, Amount.ZERO, ChallengeModule.WITHDRAW_VALIDATOR.encodeCall()))
        .isEqualTo("challenge: " + v.address() + " is not a validator");
  }

  @Test
  void aMinorityVoterIsPenalizedEvenWhileUnbonding() {
    f.registerValidators(thousand, Amount.open(3_000));
    KeyPair v = f.validators.get(0);
    Posted p = f.post(List.of(f.honest("q", f.output("q"))));
    long id = harmful(p, 0);
    f.vote(v, id, false);
    f.vote(f.validators.get(1), id, true);
    f.send(v, ChallengeModule.UNREGISTER_VALIDATOR.encodeCall());
    f.passTime(30);
    f.resolve(id);
    assertThat(f.info(id).status()).isEqualTo(ChallengeStatus.UPHELD);
    assertThat(stake(v)).isEqualTo(Amount.open(990));
    assertThat(ChallengeModule.totals(f.c.state()).activeStake()).isEqualTo(Amount.open(3_000));
  }

  // ---- unavailability ----

  @Test
  void anUnansweredPaidRequestIsUpheldAfterTheAnswerWindow() {
    Hash request = ChallengeFixture.keccak("never answered");
    long signedAt = f.c.now();
    byte[] sig =
        new PaidRequest(f.operator.address(), f.model, request, signedAt)
            .sign(f.payer, f.c.chain.chainId());
    byte[] call =
        ChallengeModule.CHALLENGE_UNANSWERED.encodeCall(
            f.operator.address(), u(f.model), request.toArray(), u(signedAt), sig);
    assertThat(f.refused(f.challenger, bond, call))
        .isEqualTo(
            "challenge: the signature is not "
                + f.challenger.address()
                + "'s PaidRequest(operator, modelId, requestHash, signedAt)");
    long id = f.challenge(f.payer, bond, call);
    assertThat(f.refused(f.payer, bond, call))
        .isEqualTo(
            "challenge: request "
                + request
                + " of "
                + f.operator.address()
                + " was already challenged (challenge "
                + id
                + ")");
    assertThat(f.refused(f.challenger, Amount.ZERO, ChallengeModule.RESOLVE.encodeCall(u(id))))
        .startsWith("challenge: challenge " + id + "'s answer window ends at ");
    f.passTime(30);
    Amount before = f.balance(f.payer);
    TransactionResult res = f.resolve(id);
    Amount cut = Amount.open(2_000).multiply(P.unavailabilitySlashBps()).divide(10_000);
    Amount toChallenger = cut.multiply(P.challengerBps()).divide(10_000);
    Amount toPayer = cut.multiply(P.harmedPayerBps()).divide(10_000);
    assertThat(f.info(id).status()).isEqualTo(ChallengeStatus.UPHELD);
    assertThat(f.balance(f.payer)).isEqualTo(before.add(bond).add(toChallenger).add(toPayer));
    assertThat(event(res, ChallengeModule.SLASH_PAID))
        .containsExactly(
            toChallenger.value(),
            toPayer.value(),
            cut.subtract(toChallenger).subtract(toPayer).value());
  }

  @Test
  void anAnsweredRequestRejectsTheClaimAndTheBondGoesToTheTreasury() {
    String req = "answered request";
    Hash request = ChallengeFixture.keccak(req);
    long signedAt = f.c.now();
    byte[] sig =
        new PaidRequest(f.operator.address(), f.model, request, signedAt)
            .sign(f.payer, f.c.chain.chainId());
    long id =
        f.challenge(
            f.payer,
            bond,
            ChallengeModule.CHALLENGE_UNANSWERED.encodeCall(
                f.operator.address(), u(f.model), request.toArray(), u(signedAt), sig));
    InferenceRecord other = f.honest("another request", f.output("o"));
    InferenceRecord answer = f.honest(req, f.output("a"));
    Posted p = f.post(List.of(other, answer));
    assertThat(
            f.refused(
                f.operator,
                Amount.ZERO,
                ChallengeModule.ANSWER.encodeCall(
                    u(id), u(p.seq()), other.encode(), p.proof(0), u(0))))
        .startsWith("challenge: record 0 answers request " + other.requestHash());
    Amount before = f.balance(f.payer);
    TransactionResult r =
        f.send(
            f.operator,
            ChallengeModule.ANSWER.encodeCall(
                u(id), u(p.seq()), answer.encode(), p.proof(1), u(1)));
    assertThat(f.info(id).status()).isEqualTo(ChallengeStatus.REJECTED);
    assertThat(f.info(id).recordNumber()).isEqualTo(answer.number());
    assertThat(f.balance(f.payer)).isEqualTo(before);
    assertThat(f.bonded()).isEqualTo(ChallengeFixture.OPERATOR_STAKE);
    assertThat(event(r, ChallengeModule.BOND_SETTLED)).containsExactly(bond.value(), false);
  }

  @Test
  void unavailabilityClaimsNeedTheModelsOperatorAPastSignatureAndAnEscrow() {
    Hash request = ChallengeFixture.keccak("r");
    long future = f.c.now() + 1_000;
    byte[] sig =
        new PaidRequest(f.operator.address(), f.model, request, future)
            .sign(f.payer, f.c.chain.chainId());
    assertThat(
            f.refused(
                f.payer,
                bond,
                ChallengeModule.CHALLENGE_UNANSWERED.encodeCall(
                    f.operator.address(), u(f.model), request.toArray(), u(future), sig)))
        .startsWith("challenge: the request was signed at " + future + ", after now");
    assertThat(
            f.refused(
                f.payer,
                bond,
                ChallengeModule.CHALLENGE_UNANSWERED.encodeCall(
                    f.bob.address(), u(f.model), request.toArray(), u(1), sig)))
        .isEqualTo(
            "challenge: model "
                + f.model
                + "'s operator is "
                + f.operator.address()
                + ", not "
                + f.bob.address());
    long now = f.c.now();
    byte[] bobSig =
        new PaidRequest(f.operator.address(), f.model, request, now)
            .sign(f.bob, f.c.chain.chainId());
    assertThat(
            f.refused(
                f.bob,
                bond,
                ChallengeModule.CHALLENGE_UNANSWERED.encodeCall(
                    f.operator.address(), u(f.model), request.toArray(), u(now), bobSig)))
        .isEqualTo("challenge: " + f.bob.address() + " has no escrow, so it sent no paid request");
  }

  // ---- adversarial data ----

  @Test
  void aFlagUpheldByVoteCallsTheDatanetModulesPenalty() {
    f.registerValidators(thousand, thousand);
    byte[] flag = ChallengeModule.FLAG_CONTRIBUTION.encodeCall(u(f.bobContribution), "spam");
    long id =
        ((BigInteger)
                ChallengeModule.FLAG_CONTRIBUTION
                    .decodeResult(f.send(f.challenger, bond, flag).returnData())
                    .getFirst())
            .longValue();
    assertThat(f.info(id).operator()).isEqualTo(f.bob.address());
    assertThat(f.refused(f.challenger, bond, flag))
        .isEqualTo(
            "challenge: contribution "
                + f.bobContribution
                + " is already flagged (challenge "
                + id
                + ", open)");
    f.vote(f.validators.get(0), id, true);
    f.vote(f.validators.get(1), id, true);
    f.passTime(30);
    Amount bobBond = DatanetModule.readBond(f.c.state(), f.bobContribution).held();
    assertThat(bobBond).isEqualTo(EconomyParameters.DEVNET.contributionBond());
    Amount challengerBefore = f.balance(f.challenger);
    TransactionResult r = f.resolve(id);
    assertThat(f.info(id).status()).isEqualTo(ChallengeStatus.UPHELD);
    // the contribution's bond is taken whole and split like a slash, without a payer share
    Amount toChallenger = bobBond.multiply(P.challengerBps()).divide(10_000);
    assertThat(event(r, ChallengeModule.SLASH_PAID))
        .containsExactly(
            toChallenger.value(), BigInteger.ZERO, bobBond.subtract(toChallenger).value());
    assertThat(f.balance(f.challenger))
        .as("its bond back and its share")
        .isEqualTo(
            challengerBefore
                .add(bond)
                .add(toChallenger)
                .subtract(r.effectiveGasPrice().multiply(r.gasUsed())));
    assertThat(DatanetModule.readBond(f.c.state(), f.bobContribution))
        .isEqualTo(new ContributionBond(Amount.ZERO, true));
    assertThat(DatanetModule.readPenaltyScore(f.c.state(), f.bob.address()).score()).isEqualTo(1);
    assertThat(DatanetModule.earns(f.c.state(), f.bobContribution)).isFalse();
    // a penalized contribution cannot be flagged again
    assertThat(f.refused(f.challenger, bond, flag)).contains("penalized");
  }

  @Test
  void aFlagRejectedByVoteLosesItsBondAndTheContributionMayBeFlaggedAgain() {
    f.registerValidators(thousand, thousand);
    byte[] flag = ChallengeModule.FLAG_CONTRIBUTION.encodeCall(u(f.aliceContribution), "dup");
    long id =
        ((BigInteger)
                ChallengeModule.FLAG_CONTRIBUTION
                    .decodeResult(f.send(f.challenger, bond, flag).returnData())
                    .getFirst())
            .longValue();
    f.vote(f.validators.get(0), id, false);
    f.vote(f.validators.get(1), id, false);
    f.passTime(30);
    TransactionResult r = f.resolve(id);
    assertThat(f.info(id).status()).isEqualTo(ChallengeStatus.REJECTED);
    assertThat(event(r, ChallengeModule.BOND_SETTLED)).containsExactly(bond.value(), false);
    f.send(f.challenger, bond, flag);
    assertThat(
            f.refused(f.challenger, bond, ChallengeModule.FLAG_CONTRIBUTION.encodeCall(u(99), "x")))
        .isEqualTo("challenge: unknown contribution 99");
  }

  private Amount stake(KeyPair v) {
    return ChallengeModule.validator(f.c.state(), v.address())
        .map(Validator::stake)
        .orElse(Amount.ZERO);
  }
}
