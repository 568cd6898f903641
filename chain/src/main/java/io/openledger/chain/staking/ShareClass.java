package io.openledger.chain.staking;

import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.Objects;

/**
 * One share class of a stake pool: the OPEN it holds and the shares that claim it. A pool has one
 * class per {@link LockTerm} and one for its unbonding stake. Rewards raise {@code stake} and
 * slashes cut it, so the exchange rate {@code stake / shares} moves for every holder at once, with
 * no loop over holders.
 *
 * <p><b>Rounding rule.</b> Every conversion rounds down in favour of the class: a deposit mints
 * {@code floor(amount × shares / stake)} shares, redeeming {@code s} shares pays {@code floor(s ×
 * stake / shares)}, a slash cuts {@code floor(stake × rate / 10000)}. So the class's stake always
 * covers the sum of its holders' values; the remainders (dust) stay in the class and go to whoever
 * holds it last. No conversion ever creates OPEN.
 *
 * <p>Invariant: {@code shares > 0} implies {@code stake > 0} (a slash rate below 100% never empties
 * a class; redeeming every share pays all of the stake).
 *
 * @param stake base units the class holds
 * @param shares shares outstanding (uint256)
 */
public record ShareClass(Amount stake, BigInteger shares) {
  public static final ShareClass EMPTY = new ShareClass(Amount.ZERO, BigInteger.ZERO);
  private static final BigInteger BPS = BigInteger.valueOf(10_000);

  public ShareClass {
    Objects.requireNonNull(stake, "stake");
    Objects.requireNonNull(shares, "shares");
    if (shares.signum() < 0 || shares.compareTo(Amount.MAX_VALUE) > 0) {
      throw new IllegalArgumentException("shares out of uint256 range: " + shares);
    }
    if (shares.signum() > 0 && stake.isZero()) {
      throw new IllegalStateException(shares + " shares of an empty class");
    }
  }

  /** The result of a deposit: the class after it and the shares minted (0: too small). */
  public record Deposit(ShareClass after, BigInteger minted) {}

  /** The result of a redemption or a slash: the class after it and the OPEN taken out. */
  public record Withdrawal(ShareClass after, Amount paid) {}

  /**
   * Adds {@code amount}; mints {@code floor(amount × shares / stake)} shares, or {@code amount}
   * shares (one per base unit) when the class has none. Minted 0 means the amount buys no share at
   * this rate: the caller must refuse it.
   *
   * @throws ArithmeticException when the shares would pass 2^256 - 1
   */
  public Deposit deposit(Amount amount) {
    BigInteger minted =
        shares.signum() == 0
            ? amount.value()
            : amount.value().multiply(shares).divide(stake.value());
    BigInteger total = shares.add(minted);
    if (total.compareTo(Amount.MAX_VALUE) > 0) {
      throw new ArithmeticException("the class's shares would pass 2^256 - 1");
    }
    return new Deposit(new ShareClass(stake.add(amount), total), minted);
  }

  /** What {@code s} shares are worth now: {@code floor(s × stake / shares)}. */
  public Amount valueOf(BigInteger s) {
    if (shares.signum() == 0) {
      return Amount.ZERO;
    }
    return Amount.of(s.multiply(stake.value()).divide(shares));
  }

  /**
   * Burns {@code s} shares for their value.
   *
   * @throws IllegalArgumentException when {@code s} is above the shares outstanding
   */
  public Withdrawal redeem(BigInteger s) {
    if (s.compareTo(shares) > 0) {
      throw new IllegalArgumentException("redeeming " + s + " of " + shares + " shares");
    }
    Amount paid = valueOf(s);
    return new Withdrawal(new ShareClass(stake.subtract(paid), shares.subtract(s)), paid);
  }

  /** The class with {@code amount} more stake: every share is worth a little more. */
  public ShareClass reward(Amount amount) {
    return new ShareClass(stake.add(amount), shares);
  }

  /**
   * Cuts {@code floor(stake × rateBps / 10000)}.
   *
   * @param rateBps 0..9,999: a rate below 100% keeps the invariant
   */
  public Withdrawal slash(int rateBps) {
    if (rateBps < 0 || rateBps >= 10_000) {
      throw new IllegalArgumentException("slash rate " + rateBps + " bps is not in 0..9999");
    }
    Amount cut = Amount.of(stake.value().multiply(BigInteger.valueOf(rateBps)).divide(BPS));
    return new Withdrawal(new ShareClass(stake.subtract(cut), shares), cut);
  }

  /** True when no share is outstanding (the class may still hold dust). */
  public boolean unowned() {
    return shares.signum() == 0;
  }
}
