package io.openledger.chain.distributor;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Conversion rule 1 from points to OPEN (docs/points.md, "From points to OPEN"): a fixed total
 * {@code T} (base units) shared pro rata to the points {@code p_i} of each account, {@code P = Σ
 * p_i}, by the largest-remainder method so the amounts sum to exactly {@code T}:
 *
 * <ol>
 *   <li>{@code a_i = floor(T × p_i / P)};
 *   <li>the {@code R = T − Σ a_i} base units left ({@code R < n}) go one each to the {@code R}
 *       accounts with the largest remainders {@code (T × p_i) mod P}, a tie going to the lower
 *       address;
 *   <li>accounts whose amount is zero are left out of the list.
 * </ol>
 */
public final class RewardConversion {
  public static final int VERSION = 1;

  private RewardConversion() {}

  /**
   * @param points every account's points, by address
   * @param total base units to share
   * @return the (account, amount) list in address order, amounts above zero, summing to {@code
   *     total}
   * @throws IllegalArgumentException when no account has points (nothing to share by)
   */
  public static List<ClaimTree.Entry> convert(SortedMap<Address, Long> points, Amount total) {
    BigInteger sum = BigInteger.ZERO;
    for (long p : points.values()) {
      if (p < 0) {
        throw new IllegalArgumentException("negative points: " + p);
      }
      sum = sum.add(BigInteger.valueOf(p));
    }
    if (sum.signum() == 0) {
      throw new IllegalArgumentException("no account has points: there is nothing to share by");
    }
    record Share(Address account, BigInteger amount, BigInteger remainder) {}
    List<Share> shares = new ArrayList<>();
    BigInteger given = BigInteger.ZERO;
    for (Map.Entry<Address, Long> e : points.entrySet()) {
      BigInteger[] qr =
          total.value().multiply(BigInteger.valueOf(e.getValue())).divideAndRemainder(sum);
      shares.add(new Share(e.getKey(), qr[0], qr[1]));
      given = given.add(qr[0]);
    }
    int left = total.value().subtract(given).intValueExact();
    List<Share> byRemainder = new ArrayList<>(shares);
    byRemainder.sort(
        Comparator.comparing(Share::remainder).reversed().thenComparing(Share::account));
    java.util.Set<Address> extra = new java.util.HashSet<>();
    for (int i = 0; i < left; i++) {
      extra.add(byRemainder.get(i).account());
    }
    List<ClaimTree.Entry> out = new ArrayList<>();
    for (Share s : shares) {
      BigInteger a = extra.contains(s.account()) ? s.amount().add(BigInteger.ONE) : s.amount();
      if (a.signum() > 0) {
        out.add(new ClaimTree.Entry(s.account(), Amount.of(a)));
      }
    }
    return out;
  }
}
