package io.openledger.chain.governance;

import static io.openledger.chain.governance.GovernanceChain.GOV;
import static io.openledger.chain.governance.GovernanceChain.PARAMS;
import static io.openledger.chain.governance.GovernanceChain.TREASURY;
import static io.openledger.chain.governance.GovernanceChain.draft;
import static io.openledger.chain.governance.GovernanceChain.setParameter;
import static io.openledger.chain.governance.GovernanceChain.spend;
import static io.openledger.chain.governance.GovernanceChain.vote;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.governance.GovernanceChain.Call;
import io.openledger.chain.governance.GovernanceChain.Draft;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The governance, treasury and parameter modules through real transactions on the devnet rules:
 * every proposal state, the refusals, atomic execution and spending only by proposal.
 */
class GovernanceModuleTest {
  private final GovernanceChain g = new GovernanceChain();
  private final KeyPair alice = EconomyChain.dev(0);
  private final KeyPair bob = EconomyChain.dev(1);
  private final KeyPair carol = EconomyChain.dev(2);
  private final KeyPair dave = EconomyChain.dev(3);

  @BeforeEach
  void voters() {
    g.lockAndDelegate(alice, 20_000);
    g.lockAndDelegate(bob, 5_000);
    // carol locks but never delegates: her power votes nowhere
    g.ok(carol, GOV, Amount.open(50_000), GovernanceModule.LOCK.encodeCall());
    g.ok(dave, TREASURY, Amount.open(1_000), TreasuryModule.DEPOSIT.encodeCall());
  }

  @Test
  void proposalIdIsOpenZeppelinsHashProposal() {
    Draft d = draft("raise the data share", PARAMS, setParameter("dataBps", 5_000));
    byte[] enc =
        Abi.encode(
            List.of(
                new AbiType.ArrayType(AbiType.ADDRESS),
                new AbiType.ArrayType(AbiType.UINT256),
                new AbiType.ArrayType(AbiType.BYTES),
                AbiType.BYTES32),
            List.of(
                d.targets(),
                d.values(),
                d.calldatas(),
                Hash.keccak256("raise the data share".getBytes()).toArray()));
    assertThat(d.id()).isEqualTo(new BigInteger(1, Hash.keccak256(enc).toArray()));
    TransactionResult r = g.ok(alice, GOV, Amount.ZERO, d.propose());
    assertThat(GovernanceModule.PROPOSE.decodeResult(r.returnData())).containsExactly(d.id());
    assertThat(
            g.c.view(
                GOV,
                GovernanceModule.HASH_PROPOSAL,
                d.targets(),
                d.values(),
                d.calldatas(),
                GovernanceModule.descriptionHash(d.text())))
        .containsExactly(d.id());
    assertThat(r.logs().getFirst().topics().getFirst())
        .isEqualTo(
            Abi.eventTopic(
                "ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)"));
  }

  @Test
  void aProposalGoesPendingActiveSucceededQueuedExecuted() {
    Address payee = Address.ofLowBytes(0xBEEF);
    Draft d =
        new Draft(
            List.of(PARAMS, PARAMS, TREASURY),
            List.of(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO),
            List.of(
                setParameter("platformBps", 1_500),
                setParameter("dataBps", 4_500),
                spend(payee, Amount.open(300))),
            "fees and a grant");
    long proposedAt = g.now() + 2;
    g.ok(alice, GOV, Amount.ZERO, d.propose());
    BigInteger id = d.id();
    assertThat(g.state(id)).isEqualTo(ProposalState.PENDING);
    Proposal p = GovernanceModule.proposal(g.state(), id).orElseThrow();
    assertThat(p.snapshot()).isEqualTo(proposedAt + 2);
    assertThat(p.deadline()).isEqualTo(proposedAt + 22);
    assertThat(g.refused(0 + 1, alice, GOV, Amount.ZERO, d.queue()))
        .isEqualTo(
            "governance: proposal " + id + " is PENDING; only a SUCCEEDED proposal is queued");
    assertThat(g.state(id)).isEqualTo(ProposalState.PENDING);
    // two seconds on, the snapshot is past: voting is open
    TransactionResult v = g.ok(2, alice, GOV, Amount.ZERO, vote(id, 1));
    assertThat(g.state(id)).isEqualTo(ProposalState.ACTIVE);
    assertThat(GovernanceModule.CAST_VOTE.decodeResult(v.returnData()))
        .containsExactly(Amount.open(20_000).value());
    g.ok(
        bob,
        GOV,
        Amount.ZERO,
        GovernanceModule.CAST_VOTE_WITH_REASON.encodeCall(id, BigInteger.ZERO, "too generous"));
    assertThat(g.refused(alice, GOV, Amount.ZERO, vote(id, 0)))
        .isEqualTo("governance: " + alice.address() + " has voted on proposal " + id + " already");
    assertThat(g.refused(carol, GOV, Amount.ZERO, vote(id, 3)))
        .isEqualTo("governance: unknown vote type 3 (0 against, 1 for, 2 abstain)");
    assertThat(GovernanceModule.proposalVotes(g.state(), id))
        .containsExactly(Amount.open(5_000).value(), Amount.open(20_000).value(), BigInteger.ZERO);
    assertThat(g.c.view(GOV, GovernanceModule.HAS_VOTED, id, bob.address())).containsExactly(true);
    // quorum: 5% of the 75,000 OPEN locked at the snapshot
    assertThat(g.c.view(GOV, GovernanceModule.QUORUM, BigInteger.valueOf(p.snapshot())))
        .containsExactly(Amount.open(3_750).value());

    g.block(p.deadline() - g.now(), List.of());
    assertThat(g.state(id)).isEqualTo(ProposalState.ACTIVE); // the deadline second still votes
    g.block(1, List.of());
    assertThat(g.state(id)).isEqualTo(ProposalState.SUCCEEDED);
    assertThat(g.refused(carol, GOV, Amount.ZERO, vote(id, 1)))
        .isEqualTo(
            "governance: proposal " + id + " is SUCCEEDED; only a ACTIVE proposal is voted on");
    assertThat(g.refused(alice, GOV, Amount.ZERO, d.execute()))
        .isEqualTo(
            "governance: proposal " + id + " is SUCCEEDED; only a QUEUED proposal is executed");
    long queuedAt = g.now() + 2;
    g.ok(dave, GOV, Amount.ZERO, d.queue()); // anyone queues
    assertThat(g.state(id)).isEqualTo(ProposalState.QUEUED);
    assertThat(GovernanceModule.proposal(g.state(), id).orElseThrow().eta())
        .isEqualTo(queuedAt + 5);
    assertThat(g.refused(dave, GOV, Amount.ZERO, d.execute()))
        .isEqualTo(
            "governance: proposal "
                + id
                + " is timelocked until "
                + (queuedAt + 5)
                + " (now "
                + (queuedAt + 2)
                + ")");
    Amount treasuryBefore = g.state().balance(TREASURY);
    TransactionResult x = g.ok(3, dave, GOV, Amount.ZERO, d.execute());
    assertThat(g.state(id)).isEqualTo(ProposalState.EXECUTED);
    assertThat(g.state().balance(payee)).isEqualTo(Amount.open(300));
    // the treasury lost the grant and gained the base fee of the execute transaction
    assertThat(g.state().balance(TREASURY).add(Amount.open(300))).isGreaterThan(treasuryBefore);
    assertThat(x.logs())
        .extracting(l -> l.topics().getFirst())
        .contains(
            ParameterRegistryModule.PARAMETER_SET.topic(),
            TreasuryModule.SPENT.topic(),
            GovernanceModule.PROPOSAL_EXECUTED.topic());
    assertThat(
            g.c.view(
                PARAMS,
                ParameterRegistryModule.PARAMETER,
                (Object) ParameterSpec.key("platformBps")))
        .containsExactly(
            BigInteger.valueOf(1_500), BigInteger.ZERO, BigInteger.valueOf(10_000), id);
    assertThat(
            g.c.view(
                PARAMS, ParameterRegistryModule.PARAMETER, (Object) ParameterSpec.key("ownerBps")))
        .containsExactly(
            BigInteger.valueOf(2_000),
            BigInteger.ZERO,
            BigInteger.valueOf(10_000),
            BigInteger.ZERO);
    assertThat(GovernanceModule.executing(g.state())).isZero();
    assertThat(g.refused(dave, GOV, Amount.ZERO, d.execute()))
        .isEqualTo(
            "governance: proposal " + id + " is EXECUTED; only a QUEUED proposal is executed");
  }

  @Test
  void theProposerCancelsOnlyWhilePending() {
    Draft d = draft("withdrawn", TREASURY, spend(alice.address(), Amount.open(1)));
    g.ok(alice, GOV, Amount.ZERO, d.propose());
    assertThat(g.refused(0 + 1, bob, GOV, Amount.ZERO, d.cancel()))
        .isEqualTo(
            "governance: only the proposer " + alice.address() + " cancels proposal " + d.id());
    assertThat(g.refused(alice, GOV, Amount.ZERO, d.cancel()))
        .isEqualTo(
            "governance: proposal " + d.id() + " is ACTIVE; only a PENDING proposal is canceled");

    Draft e = draft("withdrawn in time", TREASURY, spend(alice.address(), Amount.open(2)));
    g.ok(alice, GOV, Amount.ZERO, e.propose());
    TransactionResult r = g.ok(1, alice, GOV, Amount.ZERO, e.cancel());
    assertThat(r.logs().getFirst().topics().getFirst())
        .isEqualTo(GovernanceModule.PROPOSAL_CANCELED.topic());
    g.block(30, List.of());
    assertThat(g.state(e.id())).isEqualTo(ProposalState.CANCELED);
    assertThat(g.refused(alice, GOV, Amount.ZERO, e.queue())).contains("is CANCELED");
  }

  @Test
  void defeatedAndExpiredProposalsNeverExecute() {
    KeyPair tiny = EconomyChain.dev(4);
    g.lockAndDelegate(tiny, 1_000); // under the quorum of 5% of 76,000
    Draft lost = draft("lost", TREASURY, spend(bob.address(), Amount.open(10)));
    Draft late = draft("late", TREASURY, spend(bob.address(), Amount.open(20)));
    Draft thin = draft("no quorum", TREASURY, spend(bob.address(), Amount.open(30)));
    g.block(
        2,
        List.of(
            new Call(alice, GOV, Amount.ZERO, lost.propose()),
            new Call(alice, GOV, Amount.ZERO, late.propose()),
            new Call(alice, GOV, Amount.ZERO, thin.propose())));
    // bob's 5,000 against beat nobody for; alice carries "late"; a tiny voter alone on "thin"
    g.block(
        3,
        List.of(
            new Call(bob, GOV, Amount.ZERO, vote(lost.id(), 0)),
            new Call(alice, GOV, Amount.ZERO, vote(late.id(), 1)),
            new Call(tiny, GOV, Amount.ZERO, vote(thin.id(), 1))));
    g.block(25, List.of());
    assertThat(g.state(lost.id())).isEqualTo(ProposalState.DEFEATED);
    assertThat(g.state(thin.id())).isEqualTo(ProposalState.DEFEATED); // for 0 < quorum
    assertThat(g.state(late.id())).isEqualTo(ProposalState.SUCCEEDED);
    assertThat(g.refused(alice, GOV, Amount.ZERO, lost.queue())).contains("is DEFEATED");
    assertThat(g.refused(alice, GOV, Amount.ZERO, lost.execute())).contains("is DEFEATED");
    g.ok(alice, GOV, Amount.ZERO, late.queue());
    long eta = GovernanceModule.proposal(g.state(), late.id()).orElseThrow().eta();
    g.block(eta + 60 - g.now() - 2, List.of());
    assertThat(g.state(late.id())).isEqualTo(ProposalState.QUEUED);
    assertThat(g.refused(alice, GOV, Amount.ZERO, late.execute()))
        .isEqualTo(
            "governance: proposal "
                + late.id()
                + " is EXPIRED; only a QUEUED proposal is executed");
  }

  @Test
  void aBoundIsRefusedWhenTheProposalIsMade() {
    assertThat(
            g.refused(
                alice,
                GOV,
                Amount.ZERO,
                draft("x", PARAMS, setParameter("platformBps", 20_000)).propose()))
        .isEqualTo(
            "governance: action 0 would break a bound: platformBps = 20000 is out of bounds [0,"
                + " 10000]");
    assertThat(
            g.refused(
                alice,
                GOV,
                Amount.ZERO,
                draft("y", PARAMS, setParameter("platformBps", 2_000)).propose()))
        .isEqualTo(
            "governance: the proposal would break a rule: platformBps + ownerBps + stakersBps +"
                + " dataBps = 11000, want exactly 10000");
    assertThat(
            g.refused(
                alice,
                GOV,
                Amount.ZERO,
                draft("z", PARAMS, setParameter("noSuchThing", 1)).propose()))
        .isEqualTo("governance: action 0 sets unknown parameter \"noSuchThing\"");
    assertThat(
            g.refused(
                alice,
                GOV,
                Amount.ZERO,
                draft("w", PARAMS, setParameter("challengeWindow", 10_000)).propose()))
        .isEqualTo(
            "governance: the proposal would break a rule: challengeWindow (10000) must not exceed"
                + " unbondingDelay (120)");
    assertThat(GovernanceModule.proposalCount(g.state())).isZero();
  }

  @Test
  void executionIsAtomic() {
    Draft d =
        new Draft(
            List.of(PARAMS, TREASURY),
            List.of(BigInteger.ZERO, BigInteger.ZERO),
            List.of(
                setParameter("penaltyThreshold", 7),
                spend(carol.address(), Amount.open(1_000_000))),
            "too big a grant");
    passAndQueue(d);
    Amount carolBefore = g.state().balance(carol.address());
    String reason = g.refused(6, dave, GOV, Amount.ZERO, d.execute());
    assertThat(reason)
        .startsWith(
            "governance: action 1 failed: treasury: spend of 1000000 OPEN but the treasury holds ");
    assertThat(g.state(d.id())).isEqualTo(ProposalState.QUEUED);
    assertThat(
            g.c
                .view(
                    PARAMS,
                    ParameterRegistryModule.PARAMETER,
                    (Object) ParameterSpec.key("penaltyThreshold"))
                .getFirst())
        .isEqualTo(BigInteger.valueOf(3));
    assertThat(g.state().balance(carol.address())).isEqualTo(carolBefore);
  }

  @Test
  void onlyExecutedProposalsSpendOrSetParameters() {
    assertThat(g.refused(alice, TREASURY, Amount.ZERO, spend(alice.address(), Amount.open(1))))
        .isEqualTo(
            "treasury: only the governance module "
                + GOV
                + " spends, through an executed proposal");
    assertThat(g.refused(alice, PARAMS, Amount.ZERO, setParameter("platformBps", 1_000)))
        .isEqualTo(
            "parameters: only the governance module "
                + GOV
                + " sets parameters, through an executed proposal");
    // a proposal may not smuggle value out of the locked OPEN: execute must bring it
    Draft d =
        new Draft(
            List.of(dave.address()),
            List.of(Amount.open(5).value()),
            List.of(new byte[0]),
            "pay dave");
    passAndQueue(d);
    assertThat(g.refused(6, dave, GOV, Amount.ZERO, d.execute()))
        .isEqualTo(
            "governance: the actions send 5000000000000000000 base units in all; execute must be sent"
                + " exactly that, got 0");
    g.ok(dave, GOV, Amount.open(5), d.execute());
    assertThat(g.state(d.id())).isEqualTo(ProposalState.EXECUTED);
  }

  @Test
  void undelegatedAndLateLockedPowerDoesNotVoteAndUnlockReturnsTheOpen() {
    Draft d = draft("late power", TREASURY, spend(alice.address(), Amount.open(1)));
    g.ok(alice, GOV, Amount.ZERO, d.propose());
    // carol delegates after the proposal but before the snapshot: that counts
    g.ok(0 + 1, carol, GOV, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(carol.address()));
    // dave locks after the snapshot: that does not
    g.ok(2, dave, GOV, Amount.open(30_000), GovernanceModule.LOCK.encodeCall());
    g.ok(dave, GOV, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(dave.address()));
    TransactionResult r = g.ok(dave, GOV, Amount.ZERO, vote(d.id(), 0));
    assertThat(GovernanceModule.CAST_VOTE.decodeResult(r.returnData()))
        .containsExactly(BigInteger.ZERO);
    TransactionResult c = g.ok(carol, GOV, Amount.ZERO, vote(d.id(), 0));
    assertThat(GovernanceModule.CAST_VOTE.decodeResult(c.returnData()))
        .containsExactly(Amount.open(50_000).value());
    Amount before = g.state().balance(carol.address());
    TransactionResult u =
        g.ok(
            carol,
            GOV,
            Amount.ZERO,
            GovernanceModule.UNLOCK.encodeCall(Amount.open(50_000).value()));
    assertThat(g.state().balance(carol.address()).add(fee(u)))
        .isEqualTo(before.add(Amount.open(50_000)));
    assertThat(GovernanceModule.votes(g.state(), carol.address())).isZero();
    assertThat(
            g.refused(carol, GOV, Amount.ZERO, GovernanceModule.UNLOCK.encodeCall(BigInteger.ONE)))
        .isEqualTo(
            "governance: unlock of 0.000000000000000001 OPEN but "
                + carol.address()
                + " has 0 OPEN locked");
  }

  @Test
  void badProposalsAndLookupsAreRefusedByName() {
    Draft d = draft("from a small holder", TREASURY, spend(bob.address(), Amount.open(1)));
    assertThat(g.refused(bob, GOV, Amount.ZERO, d.propose()))
        .isEqualTo(
            "governance: "
                + bob.address()
                + " has 5000 votes, under the proposal threshold of 10000");
    assertThat(
            g.refused(
                alice,
                GOV,
                Amount.ZERO,
                GovernanceModule.PROPOSE.encodeCall(
                    List.of(TREASURY, PARAMS),
                    List.of(BigInteger.ZERO),
                    List.of(new byte[0]),
                    "x")))
        .isEqualTo(
            "governance: a proposal needs as many targets, values and calldatas, at least one (got"
                + " 2, 1, 1)");
    g.ok(alice, GOV, Amount.ZERO, d.propose());
    assertThat(g.refused(alice, GOV, Amount.ZERO, d.propose()))
        .isEqualTo("governance: proposal " + d.id() + " exists already");
    assertThat(g.refused(alice, GOV, Amount.ZERO, vote(BigInteger.TEN, 1)))
        .isEqualTo("governance: unknown proposal 10");
    long head = g.now();
    assertThat(
            g.c.viewRefused(
                GOV,
                GovernanceModule.GET_VOTES.encodeCall(
                    alice.address(), BigInteger.valueOf(head + 2))))
        .isEqualTo(
            "governance: timepoint " + (head + 2) + " is not in the past (now " + (head + 2) + ")");
    assertThat(g.c.view(GOV, GovernanceModule.GET_VOTES, alice.address(), BigInteger.valueOf(head)))
        .containsExactly(Amount.open(20_000).value());
    assertThat(g.c.view(GOV, GovernanceModule.CLOCK_MODE)).containsExactly("mode=timestamp");
    assertThat(g.c.view(GOV, GovernanceModule.STATE, d.id())).containsExactly(BigInteger.ONE);
    assertThat(g.c.view(GOV, GovernanceModule.PROPOSAL_COUNT)).containsExactly(BigInteger.ONE);
    assertThat(g.c.view(GOV, GovernanceModule.PROPOSAL_AT, BigInteger.ZERO))
        .containsExactly(d.id());
  }

  @Test
  void aPlainTransferToTheTreasuryIsADeposit() {
    Amount before = g.state().balance(TREASURY);
    TransactionResult r = g.ok(dave, TREASURY, Amount.open(7), new byte[0]);
    assertThat(r.logs().getFirst().topics().getFirst()).isEqualTo(TreasuryModule.DEPOSITED.topic());
    assertThat(g.state().balance(TREASURY).subtract(before)).isGreaterThanOrEqualTo(Amount.open(7));
    assertThat(g.c.view(TREASURY, TreasuryModule.BALANCE).getFirst())
        .isEqualTo(g.state().balance(TREASURY).value());
  }

  @Test
  void twoProposalsValidAloneCannotTogetherBreakTheFeeShares() {
    Draft a =
        new Draft(
            List.of(PARAMS, PARAMS),
            List.of(BigInteger.ZERO, BigInteger.ZERO),
            List.of(setParameter("platformBps", 1_500), setParameter("dataBps", 4_500)),
            "more to the platform");
    Draft b =
        new Draft(
            List.of(PARAMS, PARAMS),
            List.of(BigInteger.ZERO, BigInteger.ZERO),
            List.of(setParameter("ownerBps", 1_500), setParameter("dataBps", 5_500)),
            "more to the data");
    g.block(
        2,
        List.of(
            new Call(alice, GOV, Amount.ZERO, a.propose()),
            new Call(alice, GOV, Amount.ZERO, b.propose())));
    g.block(
        3,
        List.of(
            new Call(alice, GOV, Amount.ZERO, vote(a.id(), 1)),
            new Call(alice, GOV, Amount.ZERO, vote(b.id(), 1))));
    g.block(25, List.of());
    g.block(
        2,
        List.of(
            new Call(alice, GOV, Amount.ZERO, a.queue()),
            new Call(alice, GOV, Amount.ZERO, b.queue())));
    g.ok(5, alice, GOV, Amount.ZERO, a.execute());
    assertThat(g.refused(alice, GOV, Amount.ZERO, b.execute()))
        .isEqualTo(
            "governance: the execution would break a rule: platformBps + ownerBps + stakersBps +"
                + " dataBps = 10500, want exactly 10000");
    assertThat(g.state(b.id())).isEqualTo(ProposalState.QUEUED);
  }

  private Amount fee(TransactionResult r) {
    return r.effectiveGasPrice().multiply(r.gasUsed());
  }

  /** Proposes {@code d}, alice votes for it, and it is queued; its eta is 5 s after the head. */
  private void passAndQueue(Draft d) {
    g.ok(alice, GOV, Amount.ZERO, d.propose());
    g.ok(3, alice, GOV, Amount.ZERO, vote(d.id(), 1));
    g.block(25, List.of());
    g.ok(alice, GOV, Amount.ZERO, d.queue());
  }
}
