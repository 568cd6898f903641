package io.openledger.chain.staking;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.types.Amount;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pool's share accounting against a naive reference that keeps every holder's balance directly
 * (and loops over holders, which the module never does): over thousands of seeded histories of
 * stakes, rewards, slashes and unbondings in random order, every holder's value is the reference
 * balance to within the rounding dust, and no step creates OPEN.
 */
class PoolPropertyTest {
  private static final MathContext MC = new MathContext(120);
  private static final int HOLDERS = 4;
  private static final StakingParameters P = StakingParameters.DEVNET;

  @Test
  void sharesMatchANaiveBalanceModelOverRandomHistories() {
    SplittableRandom rnd = new SplittableRandom(20260108);
    for (int history = 0; history < 3_000; history++) {
      run(rnd.split(), 40);
    }
  }

  private static void run(SplittableRandom rnd, int steps) {
    Pool pool = Pool.EMPTY;
    BigInteger[][] shares = new BigInteger[HOLDERS][LockTerm.values().length];
    BigDecimal[][] reference = new BigDecimal[HOLDERS][LockTerm.values().length];
    Map<Integer, BigInteger> unbondingShares = new HashMap<>(); // holder -> unbonding shares
    BigDecimal[] unbondingRef = new BigDecimal[HOLDERS];
    for (int h = 0; h < HOLDERS; h++) {
      for (int t = 0; t < LockTerm.values().length; t++) {
        shares[h][t] = BigInteger.ZERO;
        reference[h][t] = BigDecimal.ZERO;
      }
      unbondingRef[h] = BigDecimal.ZERO;
      unbondingShares.put(h, BigInteger.ZERO);
    }
    BigInteger in = BigInteger.ZERO; // stakes + rewards placed
    BigInteger out = BigInteger.ZERO; // withdrawn + slashed
    boolean large = rnd.nextBoolean();
    BigInteger dust = BigInteger.TWO; // what rounding may have moved between holders so far
    for (int step = 0; step < steps; step++) {
      dust = dust.add(BigInteger.TWO).add(highestSharePrice(pool));
      int h = rnd.nextInt(HOLDERS);
      LockTerm term = LockTerm.values()[rnd.nextInt(LockTerm.values().length)];
      int t = term.ordinal();
      switch (rnd.nextInt(5)) {
        case 0, 1 -> { // stake
          Amount x = amount(rnd, large);
          ShareClass.Deposit d = pool.bonded(term).deposit(x);
          if (d.minted().signum() == 0) {
            continue; // the module refuses it
          }
          pool = pool.withBonded(term, d.after());
          shares[h][t] = shares[h][t].add(d.minted());
          reference[h][t] = reference[h][t].add(new BigDecimal(x.value()));
          in = in.add(x.value());
        }
        case 2 -> { // reward
          Amount r = amount(rnd, large);
          BigDecimal[] weighted = new BigDecimal[LockTerm.values().length];
          BigDecimal total = BigDecimal.ZERO;
          for (LockTerm lt : LockTerm.values()) {
            ShareClass cl = pool.bonded(lt);
            weighted[lt.ordinal()] =
                cl.unowned()
                    ? BigDecimal.ZERO
                    : new BigDecimal(cl.stake().value())
                        .multiply(BigDecimal.valueOf(P.weightBps(lt)));
            total = total.add(weighted[lt.ordinal()]);
          }
          Pool.Rewarded rw = pool.reward(r, P);
          if (total.signum() == 0) {
            assertThat(rw.unplaced()).isEqualTo(r);
            continue;
          }
          assertThat(rw.unplaced()).isEqualTo(Amount.ZERO);
          // reference: each class's exact part, shared by the holders' reference balances
          for (LockTerm lt : LockTerm.values()) {
            int k = lt.ordinal();
            BigDecimal part = new BigDecimal(r.value()).multiply(weighted[k]).divide(total, MC);
            BigDecimal held = BigDecimal.ZERO;
            for (int i = 0; i < HOLDERS; i++) {
              held = held.add(reference[i][k]);
            }
            if (held.signum() > 0) {
              for (int i = 0; i < HOLDERS; i++) {
                reference[i][k] =
                    reference[i][k].add(part.multiply(reference[i][k]).divide(held, MC));
              }
            }
          }
          pool = rw.after();
          in = in.add(r.value());
        }
        case 3 -> { // slash
          int rate = 1 + rnd.nextInt(5_000);
          Pool.Slashed s = pool.slash(rate);
          BigDecimal keep = BigDecimal.ONE.subtract(BigDecimal.valueOf(rate).movePointLeft(4));
          for (int i = 0; i < HOLDERS; i++) {
            for (int k = 0; k < LockTerm.values().length; k++) {
              reference[i][k] = reference[i][k].multiply(keep, MC);
            }
            unbondingRef[i] = unbondingRef[i].multiply(keep, MC);
          }
          pool = s.after();
          out = out.add(s.cut().value());
        }
        default -> { // unbond part of a position, or withdraw all unbonding
          if (rnd.nextBoolean() && shares[h][t].signum() > 0) {
            BigInteger s = randomUpTo(rnd, shares[h][t]);
            ShareClass.Withdrawal w = pool.bonded(term).redeem(s);
            if (w.paid().isZero()) {
              continue;
            }
            ShareClass.Deposit u = pool.unbonding().deposit(w.paid());
            if (u.minted().signum() == 0) {
              continue;
            }
            BigDecimal fraction = new BigDecimal(s).divide(new BigDecimal(shares[h][t]), MC);
            BigDecimal moved = reference[h][t].multiply(fraction, MC);
            reference[h][t] = reference[h][t].subtract(moved);
            unbondingRef[h] = unbondingRef[h].add(moved);
            shares[h][t] = shares[h][t].subtract(s);
            unbondingShares.merge(h, u.minted(), BigInteger::add);
            pool = pool.withBonded(term, w.after()).withUnbonding(u.after());
          } else if (unbondingShares.get(h).signum() > 0) {
            ShareClass.Withdrawal w = pool.unbonding().redeem(unbondingShares.get(h));
            assertClose(w.paid(), unbondingRef[h], dust);
            out = out.add(w.paid().value());
            unbondingRef[h] = BigDecimal.ZERO;
            unbondingShares.put(h, BigInteger.ZERO);
            pool = pool.withUnbonding(w.after());
          }
        }
      }
      // every holder's value is its reference balance to within the dust; values never exceed
      // what the classes hold, and the pool holds exactly what went in minus what went out
      for (LockTerm lt : LockTerm.values()) {
        int k = lt.ordinal();
        Amount sum = Amount.ZERO;
        for (int i = 0; i < HOLDERS; i++) {
          Amount v = pool.bonded(lt).valueOf(shares[i][k]);
          assertClose(v, reference[i][k], dust);
          sum = sum.add(v);
        }
        assertThat(sum.compareTo(pool.bonded(lt).stake())).isLessThanOrEqualTo(0);
      }
      assertThat(pool.bondedStake().add(pool.unbonding().stake()).value())
          .isEqualTo(in.subtract(out));
    }
  }

  /**
   * Within the dust: per step a few base units (floors of redemptions and slashes, the reward
   * remainder that goes to the first class) plus the price of one share (a mint rounds down to
   * whole shares), plus one part in 10^12 of the balance.
   */
  private static void assertClose(Amount actual, BigDecimal reference, BigInteger dust) {
    BigDecimal diff = new BigDecimal(actual.value()).subtract(reference).abs();
    BigDecimal bound = new BigDecimal(dust).add(reference.movePointLeft(12));
    assertThat(diff.compareTo(bound))
        .as("value %s vs reference %s (dust bound %s)", actual, reference, dust)
        .isLessThanOrEqualTo(0);
  }

  /** The most base units one share of any class is worth now, rounded up. */
  private static BigInteger highestSharePrice(Pool pool) {
    BigInteger max = BigInteger.ONE;
    for (ShareClass c :
        java.util.stream.Stream.concat(
                pool.bonded().stream(), java.util.stream.Stream.of(pool.unbonding()))
            .toList()) {
      if (!c.unowned()) {
        BigInteger[] qr = c.stake().value().divideAndRemainder(c.shares());
        max = max.max(qr[0].add(qr[1].signum() > 0 ? BigInteger.ONE : BigInteger.ZERO));
      }
    }
    return max;
  }

  private static Amount amount(SplittableRandom rnd, boolean large) {
    return large
        ? Amount.of(
            BigInteger.valueOf(1 + rnd.nextLong(1_000_000_000_000L))
                .multiply(BigInteger.TEN.pow(9)))
        : Amount.of(1 + rnd.nextInt(10_000));
  }

  private static BigInteger randomUpTo(SplittableRandom rnd, BigInteger max) {
    BigInteger r = new BigInteger(max.bitLength(), new java.util.Random(rnd.nextLong()));
    return r.mod(max).add(BigInteger.ONE);
  }
}
