package io.openledger.chain.staking;

import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An operator's stake pool: one {@link ShareClass} per {@link LockTerm} (the bonded stake), one for
 * the stake that is unbonding, and how many models of each {@link Tier} the operator serves.
 *
 * @param bonded the classes by term, {@link LockTerm} order (5)
 * @param unbonding stake waiting out the unbonding delay, still slashable
 * @param served models served per tier, {@link Tier} order (3)
 */
public record Pool(List<ShareClass> bonded, ShareClass unbonding, List<Long> served) {
  public static final Pool EMPTY =
      new Pool(
          List.of(
              ShareClass.EMPTY,
              ShareClass.EMPTY,
              ShareClass.EMPTY,
              ShareClass.EMPTY,
              ShareClass.EMPTY),
          ShareClass.EMPTY,
          List.of(0L, 0L, 0L));
  private static final int CLASS = 64;
  static final int SIZE = 6 * CLASS + 3 * 8;

  public Pool {
    bonded = List.copyOf(bonded);
    served = List.copyOf(served);
    if (bonded.size() != LockTerm.values().length || served.size() != Tier.values().length) {
      throw new IllegalArgumentException("a pool has 5 classes and 3 tier counts");
    }
  }

  /** All bonded stake: what the tier minimums are checked against. */
  public Amount bondedStake() {
    Amount sum = Amount.ZERO;
    for (ShareClass c : bonded) {
      sum = sum.add(c.stake());
    }
    return sum;
  }

  public ShareClass bonded(LockTerm term) {
    return bonded.get(term.ordinal());
  }

  public long served(Tier tier) {
    return served.get(tier.ordinal());
  }

  /** The highest tier among the models served, if any. */
  public java.util.Optional<Tier> highestTier() {
    for (int t = Tier.values().length - 1; t >= 0; t--) {
      if (served.get(t) > 0) {
        return java.util.Optional.of(Tier.values()[t]);
      }
    }
    return java.util.Optional.empty();
  }

  /** The least bonded stake this pool needs: the minimum of its highest tier, zero if none. */
  public Amount requiredStake(StakingParameters p) {
    return highestTier().map(p::minimum).orElse(Amount.ZERO);
  }

  Pool withBonded(LockTerm term, ShareClass c) {
    List<ShareClass> b = new ArrayList<>(bonded);
    b.set(term.ordinal(), c);
    return new Pool(b, unbonding, served);
  }

  Pool withUnbonding(ShareClass c) {
    return new Pool(bonded, c, served);
  }

  Pool withServed(Tier tier, long delta) {
    List<Long> s = new ArrayList<>(served);
    s.set(tier.ordinal(), Math.addExact(s.get(tier.ordinal()), delta));
    return new Pool(bonded, unbonding, s);
  }

  /** A reward split over the classes: the pool after it, and what it could not place. */
  public record Rewarded(Pool after, Amount unplaced) {}

  /**
   * Shares {@code amount} between the classes that have holders, in proportion to {@code stake ×
   * weight}: class {@code t} gets {@code floor(amount × stake_t × w_t / Σ stake × w)}; the
   * remainder goes to the first such class in term order. With no holder at all nothing is placed.
   */
  public Rewarded reward(Amount amount, StakingParameters p) {
    BigInteger total = BigInteger.ZERO;
    BigInteger[] weighted = new BigInteger[LockTerm.values().length];
    int first = -1;
    for (LockTerm t : LockTerm.values()) {
      ShareClass c = bonded(t);
      weighted[t.ordinal()] =
          c.unowned()
              ? BigInteger.ZERO
              : c.stake().value().multiply(BigInteger.valueOf(p.weightBps(t)));
      total = total.add(weighted[t.ordinal()]);
      if (first < 0 && !c.unowned()) {
        first = t.ordinal();
      }
    }
    if (first < 0) {
      return new Rewarded(this, amount);
    }
    List<ShareClass> b = new ArrayList<>(bonded);
    Amount placed = Amount.ZERO;
    for (int t = 0; t < b.size(); t++) {
      Amount part = Amount.of(amount.value().multiply(weighted[t]).divide(total));
      b.set(t, b.get(t).reward(part));
      placed = placed.add(part);
    }
    b.set(first, b.get(first).reward(amount.subtract(placed)));
    return new Rewarded(new Pool(b, unbonding, served), Amount.ZERO);
  }

  /** A slash: the pool after it and what was cut from it. */
  public record Slashed(Pool after, Amount cut) {}

  /** Cuts {@code rateBps} of every class, bonded and unbonding (each rounded down). */
  public Slashed slash(int rateBps) {
    List<ShareClass> b = new ArrayList<>(bonded);
    Amount cut = Amount.ZERO;
    for (int t = 0; t < b.size(); t++) {
      ShareClass.Withdrawal w = b.get(t).slash(rateBps);
      b.set(t, w.after());
      cut = cut.add(w.paid());
    }
    ShareClass.Withdrawal u = unbonding.slash(rateBps);
    return new Slashed(new Pool(b, u.after(), served), cut.add(u.paid()));
  }

  /**
   * {@code 6 × (stake (32) ‖ shares (32))} (terms in order, then unbonding) {@code ‖ 3 × count
   * (8)}.
   */
  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    for (ShareClass c : bonded) {
      put(b, c);
    }
    put(b, unbonding);
    for (long n : served) {
      b.putLong(n);
    }
    return b.array();
  }

  static Pool decode(byte[] value) {
    ByteBuffer b = Codec.reader(value, SIZE, "pool");
    List<ShareClass> classes = new ArrayList<>();
    for (int i = 0; i < LockTerm.values().length; i++) {
      classes.add(get(b));
    }
    ShareClass unbonding = get(b);
    List<Long> served = List.of(b.getLong(), b.getLong(), b.getLong());
    return new Pool(classes, unbonding, served);
  }

  private static void put(ByteBuffer b, ShareClass c) {
    b.put(c.stake().toBytes32()).put(Amount.of(c.shares()).toBytes32());
  }

  private static ShareClass get(ByteBuffer b) {
    return new ShareClass(Codec.amount(b), Codec.amount(b).value());
  }
}
