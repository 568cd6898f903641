package io.openledger.chain.governance;

import static io.openledger.chain.governance.GovernanceChain.GOV;
import static io.openledger.chain.governance.GovernanceChain.TREASURY;
import static io.openledger.chain.governance.GovernanceChain.draft;
import static io.openledger.chain.governance.GovernanceChain.spend;
import static io.openledger.chain.governance.GovernanceChain.vote;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.governance.GovernanceChain.Call;
import io.openledger.chain.governance.GovernanceChain.Draft;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random histories of locking, unlocking, staking, unbonding, delegation, plain transfers,
 * proposals and votes, one to three transactions a block, through real blocks. A naive model (who
 * has locked what, who has staked what in which pool, who delegates to whom, copied whole after
 * every block) is the judge: every account's votes now, at every past block and at every past
 * timestamp equal the model's recount; every proposal's tally equals the recount of its voters'
 * power at its snapshot; and no power is counted twice (the votes of all delegatees never exceed
 * the OPEN locked, and a tally never exceeds what was locked at its snapshot). Each transaction
 * succeeds exactly when the model says it should.
 */
class VotingPropertyTest {
  private static final int ACCOUNTS = 6;
  private static final int BLOCKS = 70;

  /** The model after one block. */
  private record Snapshot(
      long timestamp, long block, Map<Address, BigInteger> votes, BigInteger total) {}

  private record Open(Draft draft, long snapshot, long deadline, Map<Address, Integer> ballots) {}

  private final List<KeyPair> keys = new ArrayList<>();
  private final Map<Address, BigInteger> locked = new HashMap<>();

  /** Amount staked and not unbonded, per staker and operator (flexible class). */
  private final Map<List<Address>, BigInteger> staked = new HashMap<>();

  private final Map<Address, Address> delegates = new HashMap<>();
  private final List<Snapshot> history = new ArrayList<>();
  private final List<Open> proposals = new ArrayList<>();
  private int stakes;
  private int unbonds;

  @Test
  void voteCountingEqualsANaiveRecountAndNothingCountsTwice() {
    for (long seed : new long[] {1, 2, 3}) {
      run(seed);
    }
  }

  private void run(long seed) {
    keys.clear();
    locked.clear();
    staked.clear();
    delegates.clear();
    history.clear();
    proposals.clear();
    SplittableRandom rnd = new SplittableRandom(seed);
    GovernanceChain g = new GovernanceChain();
    for (int i = 0; i < ACCOUNTS; i++) {
      keys.add(EconomyChain.dev(i));
    }
    history.add(snapshot(g.now(), g.c.chain.head().number()));
    for (int b = 0; b < BLOCKS; b++) {
      long seconds = 1 + rnd.nextInt(4);
      long ts = g.now() + seconds;
      List<Call> calls = new ArrayList<>();
      List<Boolean> expected = new ArrayList<>();
      List<Runnable> effects = new ArrayList<>();
      Map<Address, Amount> spentHere = new HashMap<>();
      java.util.Set<Address> stakedHere = new java.util.HashSet<>();
      int n = 1 + rnd.nextInt(3);
      for (int k = 0; k < n; k++) {
        op(g, rnd, ts, calls, expected, effects, spentHere, stakedHere);
      }
      List<TransactionResult> results = g.block(seconds, calls);
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).success())
            .as("seed %d block %d call %d (%s)", seed, b, i, results.get(i).revertReason())
            .isEqualTo(expected.get(i));
      }
      history.add(snapshot(ts, g.c.chain.head().number()));
      checkNow(g.state(), seed);
    }
    checkHistory(g.state(), seed);
    checkTallies(g.state(), seed);
    assertThat(stakes).as("seed %d staked", seed).isPositive();
    assertThat(unbonds).as("seed %d unbonded", seed).isPositive();
  }

  /** Picks one call, predicts its outcome and applies it to the model (in block order). */
  private void op(
      GovernanceChain g,
      SplittableRandom rnd,
      long ts,
      List<Call> calls,
      List<Boolean> expected,
      List<Runnable> effects,
      Map<Address, Amount> spentHere,
      java.util.Set<Address> stakedHere) {
    KeyPair who = keys.get(rnd.nextInt(ACCOUNTS));
    Address a = who.address();
    int kind = rnd.nextInt(13);
    if (kind >= 10) {
      stakeOp(g, rnd, who, calls, expected, spentHere, stakedHere);
    } else if (kind <= 2) { // lock
      Amount amount = Amount.open(1 + rnd.nextInt(6_000)).add(Amount.of(rnd.nextInt(1_000)));
      Amount free = g.state().balance(a).subtract(spentHere.getOrDefault(a, Amount.ZERO));
      if (free.lessThan(amount.add(Amount.open(10)))) {
        return;
      }
      spentHere.merge(a, amount, Amount::add);
      calls.add(new Call(who, GOV, amount, GovernanceModule.LOCK.encodeCall()));
      expected.add(true);
      locked.merge(a, amount.value(), BigInteger::add);
    } else if (kind == 3) { // unlock, sometimes more than locked
      BigInteger held = locked.getOrDefault(a, BigInteger.ZERO);
      boolean tooMuch = held.signum() == 0 || rnd.nextInt(5) == 0;
      BigInteger amount =
          tooMuch
              ? held.add(BigInteger.ONE)
              : held.multiply(BigInteger.valueOf(1 + rnd.nextInt(100)))
                  .divide(BigInteger.valueOf(100))
                  .max(BigInteger.ONE);
      calls.add(new Call(who, GOV, Amount.ZERO, GovernanceModule.UNLOCK.encodeCall(amount)));
      expected.add(!tooMuch);
      if (!tooMuch) {
        locked.put(a, held.subtract(amount));
      }
    } else if (kind <= 5) { // delegate to someone, oneself or nobody
      int t = rnd.nextInt(ACCOUNTS + 1);
      Address to = t == ACCOUNTS ? Address.ZERO : keys.get(t).address();
      calls.add(new Call(who, GOV, Amount.ZERO, GovernanceModule.DELEGATE.encodeCall(to)));
      expected.add(true);
      delegates.put(a, to);
    } else if (kind == 6) { // a plain transfer: liquid OPEN never votes
      Address to = keys.get(rnd.nextInt(ACCOUNTS)).address();
      Amount amount = Amount.open(1 + rnd.nextInt(500));
      Amount free = g.state().balance(a).subtract(spentHere.getOrDefault(a, Amount.ZERO));
      if (to.equals(a) || free.lessThan(amount.add(Amount.open(10)))) {
        return;
      }
      spentHere.merge(a, amount, Amount::add);
      calls.add(new Call(who, to, amount, new byte[0]));
      expected.add(true);
    } else if (kind == 7) { // propose
      Draft d = draft("p" + proposals.size() + "@" + ts, TREASURY, spend(a, Amount.of(1)));
      BigInteger power = votesAt(a, ts - 1);
      boolean ok = power.compareTo(Amount.open(10_000).value()) >= 0;
      calls.add(new Call(who, GOV, Amount.ZERO, d.propose()));
      expected.add(ok);
      if (ok) {
        proposals.add(new Open(d, ts + 2, ts + 22, new LinkedHashMap<>()));
      }
    } else if (!proposals.isEmpty()) { // vote, sometimes twice or too early or too late
      Open p = proposals.get(rnd.nextInt(proposals.size()));
      int support = rnd.nextInt(3);
      boolean ok = p.snapshot() < ts && ts <= p.deadline() && !p.ballots().containsKey(a);
      calls.add(new Call(who, GOV, Amount.ZERO, vote(p.draft().id(), support)));
      expected.add(ok);
      if (ok) {
        p.ballots().put(a, support);
      }
    }
  }

  /**
   * Stakes into a pool of one of the accounts, or unbonds all or part of a position (at most one
   * staking call per account and block, so the position's shares are those of the state before the
   * block). Unbonding removes the same part of the amount staked, rounded down; all of it when the
   * position unbonds whole.
   */
  private void stakeOp(
      GovernanceChain g,
      SplittableRandom rnd,
      KeyPair who,
      List<Call> calls,
      List<Boolean> expected,
      Map<Address, Amount> spentHere,
      java.util.Set<Address> stakedHere) {
    Address a = who.address();
    if (!stakedHere.add(a)) {
      return;
    }
    Address operator = keys.get(rnd.nextInt(3)).address();
    List<Address> k = List.of(a, operator);
    BigInteger principal = staked.getOrDefault(k, BigInteger.ZERO);
    if (principal.signum() == 0 || rnd.nextInt(2) == 0) {
      Amount amount = Amount.open(1 + rnd.nextInt(6_000)).add(Amount.of(rnd.nextInt(1_000)));
      Amount free = g.state().balance(a).subtract(spentHere.getOrDefault(a, Amount.ZERO));
      if (free.lessThan(amount.add(Amount.open(10)))) {
        return;
      }
      spentHere.merge(a, amount, Amount::add);
      calls.add(
          new Call(
              who,
              StakingModule.ADDRESS,
              amount,
              StakingModule.STAKE.encodeCall(operator, BigInteger.ZERO)));
      expected.add(true);
      staked.merge(k, amount.value(), BigInteger::add);
      stakes++;
      return;
    }
    BigInteger shares = StakingModule.position(g.state(), operator, a, LockTerm.FLEXIBLE).shares();
    BigInteger out =
        rnd.nextInt(3) == 0
            ? shares
            : shares
                .multiply(BigInteger.valueOf(1 + rnd.nextInt(99)))
                .divide(BigInteger.valueOf(100))
                .max(BigInteger.ONE);
    calls.add(
        new Call(
            who,
            StakingModule.ADDRESS,
            Amount.ZERO,
            StakingModule.UNBOND.encodeCall(operator, BigInteger.ZERO, out)));
    expected.add(true);
    unbonds++;
    staked.put(
        k,
        out.equals(shares)
            ? BigInteger.ZERO
            : principal.subtract(principal.multiply(out).divide(shares)));
  }

  private BigInteger stakedBy(Address a) {
    BigInteger sum = BigInteger.ZERO;
    for (Map.Entry<List<Address>, BigInteger> e : staked.entrySet()) {
      if (e.getKey().getFirst().equals(a)) {
        sum = sum.add(e.getValue());
      }
    }
    return sum;
  }

  private Snapshot snapshot(long ts, long block) {
    Map<Address, BigInteger> votes = new HashMap<>();
    BigInteger total = BigInteger.ZERO;
    java.util.Set<Address> holders = new java.util.HashSet<>(locked.keySet());
    staked.keySet().forEach(k -> holders.add(k.getFirst()));
    for (Address h : holders) {
      BigInteger power = locked.getOrDefault(h, BigInteger.ZERO).add(stakedBy(h));
      total = total.add(power);
      Address to = delegates.getOrDefault(h, Address.ZERO);
      if (!to.equals(Address.ZERO) && power.signum() > 0) {
        votes.merge(to, power, BigInteger::add);
      }
    }
    return new Snapshot(ts, block, votes, total);
  }

  /** The model's votes of {@code a} at the end of the last block at or before {@code timestamp}. */
  private BigInteger votesAt(Address a, long timestamp) {
    Snapshot found = history.getFirst();
    for (Snapshot s : history) {
      if (s.timestamp() <= timestamp) {
        found = s;
      }
    }
    return found.votes().getOrDefault(a, BigInteger.ZERO);
  }

  private void checkNow(StateReader state, long seed) {
    BigInteger sum = BigInteger.ZERO;
    Snapshot last = history.getLast();
    for (KeyPair k : keys) {
      Address a = k.address();
      BigInteger v = GovernanceModule.votes(state, a);
      assertThat(v)
          .as("seed %d votes of %s", seed, a)
          .isEqualTo(last.votes().getOrDefault(a, BigInteger.ZERO));
      assertThat(GovernanceModule.lockedOf(state, a))
          .isEqualTo(locked.getOrDefault(a, BigInteger.ZERO));
      assertThat(GovernanceModule.stakedOf(state, a)).isEqualTo(stakedBy(a));
      assertThat(GovernanceModule.delegates(state, a))
          .isEqualTo(delegates.getOrDefault(a, Address.ZERO));
      sum = sum.add(v);
    }
    assertThat(GovernanceModule.votingSupply(state)).isEqualTo(last.total());
    assertThat(GovernanceModule.totalLocked(state))
        .isEqualTo(locked.values().stream().reduce(BigInteger.ZERO, BigInteger::add));
    assertThat(sum).as("seed %d: votes counted twice", seed).isLessThanOrEqualTo(last.total());
  }

  private void checkHistory(StateReader state, long seed) {
    for (Snapshot s : history) {
      for (KeyPair k : keys) {
        Address a = k.address();
        BigInteger want = s.votes().getOrDefault(a, BigInteger.ZERO);
        assertThat(GovernanceModule.votesAtBlock(state, a, s.block()))
            .as("seed %d votes of %s at block %d", seed, a, s.block())
            .isEqualTo(want);
        assertThat(GovernanceModule.votesAtTime(state, a, s.timestamp()))
            .as("seed %d votes of %s at %d", seed, a, s.timestamp())
            .isEqualTo(want);
      }
    }
  }

  private void checkTallies(StateReader state, long seed) {
    for (Open p : proposals) {
      BigInteger[] want = {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO};
      for (Map.Entry<Address, Integer> b : p.ballots().entrySet()) {
        want[b.getValue()] = want[b.getValue()].add(votesAt(b.getKey(), p.snapshot()));
      }
      BigInteger[] got = GovernanceModule.proposalVotes(state, p.draft().id());
      assertThat(got).as("seed %d tally of %s", seed, p.draft().text()).containsExactly(want);
      Snapshot atSnapshot = history.getFirst();
      for (Snapshot s : history) {
        if (s.timestamp() <= p.snapshot()) {
          atSnapshot = s;
        }
      }
      assertThat(got[0].add(got[1]).add(got[2])).isLessThanOrEqualTo(atSnapshot.total());
    }
    assertThat(proposals).as("seed %d made proposals", seed).isNotEmpty();
  }
}
