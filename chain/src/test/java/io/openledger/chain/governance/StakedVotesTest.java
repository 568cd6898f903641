package io.openledger.chain.governance;

import static io.openledger.chain.governance.GovernanceChain.GOV;
import static io.openledger.chain.governance.GovernanceChain.TREASURY;
import static io.openledger.chain.governance.GovernanceChain.draft;
import static io.openledger.chain.governance.GovernanceChain.spend;
import static io.openledger.chain.governance.GovernanceChain.vote;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.governance.GovernanceChain.Draft;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bonded stake votes as locked OPEN does, read at the proposal's snapshot; unbonding takes the
 * power away from its block on. Devnet: voting delay 2 s, period 20 s, unbonding delay 120 s.
 */
class StakedVotesTest {
  private final GovernanceChain g = new GovernanceChain();
  private final KeyPair alice = EconomyChain.dev(0);
  private final KeyPair bob = EconomyChain.dev(1);
  private final KeyPair mallory = EconomyChain.dev(2);
  private final KeyPair operator = EconomyChain.dev(4);

  @Test
  void stakedOpenVotesOnceAndUnbondingAndRestakingFromAnotherAccountGainsNothing() {
    stake(alice, 20_000);
    g.ok(alice, GOV, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(alice.address()));
    g.ok(mallory, GOV, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(mallory.address()));
    g.ok(bob, GOV, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(bob.address()));
    assertThat(GovernanceModule.votes(g.state(), alice.address()))
        .isEqualTo(Amount.open(20_000).value());
    assertThat(GovernanceModule.stakedOf(g.state(), alice.address()))
        .isEqualTo(Amount.open(20_000).value());
    // staked power counts towards the proposal threshold and the quorum's voting supply
    Draft d = draft("pay bob", TREASURY, spend(bob.address(), Amount.of(1)));
    g.ok(alice, GOV, Amount.ZERO, d.propose());
    g.block(3, List.of());

    assertThat(castVote(alice, d.id())).isEqualTo(Amount.open(20_000).value());
    // alice unbonds: from this block on she votes with nothing
    BigInteger shares =
        StakingModule.position(g.state(), operator.address(), alice.address(), LockTerm.FLEXIBLE)
            .shares();
    g.ok(
        alice,
        StakingModule.ADDRESS,
        Amount.ZERO,
        StakingModule.UNBOND.encodeCall(operator.address(), BigInteger.ZERO, shares));
    assertThat(GovernanceModule.votes(g.state(), alice.address())).isZero();
    assertThat(GovernanceModule.stakedOf(g.state(), alice.address())).isZero();
    // new stake after the snapshot, from another account, and a delegation moved after it, weigh
    // nothing on this proposal
    stake(mallory, 30_000);
    g.ok(alice, GOV, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(bob.address()));
    assertThat(castVote(mallory, d.id())).isZero();
    assertThat(castVote(bob, d.id())).isZero();
    assertThat(g.refused(alice, GOV, Amount.ZERO, vote(d.id(), 1)))
        .startsWith("governance: " + alice.address() + " has voted on proposal");
    assertThat(GovernanceModule.proposalVotes(g.state(), d.id()))
        .containsExactly(BigInteger.ZERO, Amount.open(20_000).value(), BigInteger.ZERO);

    // on the next proposal mallory's stake votes and alice's unbonded stake does not
    Draft next = draft("pay bob again", TREASURY, spend(bob.address(), Amount.of(2)));
    g.ok(mallory, GOV, Amount.ZERO, next.propose());
    g.block(3, List.of());
    assertThat(castVote(mallory, next.id())).isEqualTo(Amount.open(30_000).value());
    assertThat(castVote(alice, next.id())).isZero();
  }

  @Test
  void onlyTheStakingModuleReportsStake() {
    assertThat(
            g.refused(
                mallory,
                GOV,
                Amount.ZERO,
                GovernanceModule.STAKE_ADDED.encodeCall(
                    mallory.address(),
                    operator.address(),
                    BigInteger.ZERO,
                    Amount.open(1_000_000).value())))
        .isEqualTo(
            "governance: only the staking module " + StakingModule.ADDRESS + " reports stake");
  }

  private void stake(KeyPair who, long open) {
    g.ok(
        who,
        StakingModule.ADDRESS,
        Amount.open(open),
        StakingModule.STAKE.encodeCall(operator.address(), BigInteger.ZERO));
  }

  private BigInteger castVote(KeyPair who, BigInteger id) {
    byte[] out = g.ok(who, GOV, Amount.ZERO, vote(id, 1)).returnData();
    return new BigInteger(1, out);
  }
}
