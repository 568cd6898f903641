package io.openledger.chain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.datanet.ContributionStanding;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The training-fee split: the documented example, and the rule against a naive BigInteger one. */
class TrainingFeeSplitTest {
  private static final Address OWNER = addr(0xd0);
  private static final Address TREASURY = addr(0x7e);
  private static final Address BUILDER = addr(0xb1);
  private static final Address ALICE = addr(0xa1);
  private static final Address BOB = addr(0xa2);
  private static final Address CAROL = addr(0xa3);

  private static Address addr(int b) {
    byte[] a = new byte[Address.SIZE];
    a[19] = (byte) b;
    a[0] = (byte) 0x11;
    return Address.wrap(a);
  }

  private static TrainingFeeSplit.Credit credit(long id, int ppm, Address who, boolean earns) {
    return new TrainingFeeSplit.Credit(id, ppm, new ContributionStanding(who, earns));
  }

  /** docs/economy.md, "Training licence fees", worked example. */
  @Test
  void theWorkedExample() {
    Amount fee = Amount.of(1_000_003);
    TrainingFeeSplit s =
        TrainingFeeSplit.of(
            1,
            fee,
            OWNER,
            BUILDER,
            TREASURY,
            List.of(
                credit(11, 500_001, ALICE, true),
                credit(12, 333_333, BOB, true),
                credit(13, 100_000, BUILDER, true),
                credit(14, 66_666, CAROL, false)));
    assertThat(s.lines())
        .extracting(TrainingFeeSplit.Line::amount)
        .containsExactly(
            Amount.of(500_002), Amount.of(333_333), Amount.of(100_000), Amount.of(66_666));
    assertThat(s.lines())
        .extracting(TrainingFeeSplit.Line::paidTo)
        .containsExactly(ALICE, BOB, TREASURY, OWNER);
    assertThat(s.lines())
        .extracting(TrainingFeeSplit.Line::forfeited)
        .containsExactly(false, false, false, true);
    assertThat(s.remainder()).isEqualTo(Amount.of(2));
    assertThat(Payout.merge(s.payouts()))
        .containsExactlyInAnyOrder(
            new Payout(ALICE, Amount.of(500_002)),
            new Payout(BOB, Amount.of(333_333)),
            new Payout(TREASURY, Amount.of(100_000)),
            new Payout(OWNER, Amount.of(66_668)));
    assertThat(Payout.total(s.payouts())).isEqualTo(fee);
  }

  /**
   * Thousands of seeded cases: the payouts per account equal a naive BigInteger computation, sum to
   * the fee exactly, and the owner's remainder is below the number of credits.
   */
  @Test
  void splitsExactlyAsTheNaiveRule() {
    Random rnd = new Random(20261202L);
    Address[] pool = {ALICE, BOB, CAROL, BUILDER, OWNER};
    for (int round = 0; round < 5_000; round++) {
      BigInteger feeValue =
          switch (round % 4) {
            case 0 -> BigInteger.valueOf(rnd.nextInt(100));
            case 1 -> BigInteger.valueOf(rnd.nextLong() & Long.MAX_VALUE);
            case 2 -> new BigInteger(120, rnd);
            default -> new BigInteger(236, rnd); // fee × 10^6 stays under 2^256
          };
      Amount fee = Amount.of(feeValue);
      int n = 1 + rnd.nextInt(round % 10 == 0 ? 200 : 12);
      int[] ppm = weights(rnd, n);
      List<TrainingFeeSplit.Credit> credits = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        credits.add(credit(100 + i, ppm[i], pool[rnd.nextInt(pool.length)], rnd.nextInt(5) != 0));
      }
      TrainingFeeSplit s = TrainingFeeSplit.of(7, fee, OWNER, BUILDER, TREASURY, credits);

      Map<Address, BigInteger> naive = new HashMap<>();
      BigInteger paid = BigInteger.ZERO;
      for (TrainingFeeSplit.Credit c : credits) {
        BigInteger part =
            feeValue.multiply(BigInteger.valueOf(c.ppm())).divide(BigInteger.valueOf(1_000_000));
        Address to =
            !c.standing().earns()
                ? OWNER
                : c.standing().contributor().equals(BUILDER)
                    ? TREASURY
                    : c.standing().contributor();
        naive.merge(to, part, BigInteger::add);
        paid = paid.add(part);
      }
      BigInteger remainder = feeValue.subtract(paid);
      naive.merge(OWNER, remainder, BigInteger::add);
      naive.values().removeIf(v -> v.signum() == 0);

      Map<Address, BigInteger> got = new HashMap<>();
      for (Payout p : TrainingFeeSplit.merged(List.of(s))) {
        got.put(p.account(), p.amount().value());
      }
      assertThat(got).as("round %d", round).isEqualTo(naive);
      assertThat(Payout.total(s.payouts()).value()).isEqualTo(feeValue);
      assertThat(s.remainder().value()).isEqualTo(remainder);
      assertThat(remainder.signum()).isNotNegative();
      assertThat(remainder).isLessThan(BigInteger.valueOf(n));
      assertThat(got).doesNotContainKey(BUILDER);
    }
  }

  /** {@code n} weights of at least 1 ppm summing to 1,000,000 (random cut points). */
  static int[] weights(Random rnd, int n) {
    TreeSet<Integer> cuts = new TreeSet<>();
    while (cuts.size() < n - 1) {
      cuts.add(1 + rnd.nextInt(999_999));
    }
    int[] out = new int[n];
    int prev = 0;
    int i = 0;
    for (int cut : cuts) {
      out[i++] = cut - prev;
      prev = cut;
    }
    out[i] = 1_000_000 - prev;
    return out;
  }

  @Test
  void refusesWeightsThatAreNotAWholeMillion() {
    assertThatThrownBy(
            () ->
                TrainingFeeSplit.of(
                    3,
                    Amount.of(10),
                    OWNER,
                    BUILDER,
                    TREASURY,
                    List.of(credit(1, 600_000, ALICE, true), credit(2, 399_999, BOB, true))))
        .hasMessage("the weights of datanet 3 sum to 999999 ppm, not 1000000");
    assertThatThrownBy(
            () ->
                TrainingFeeSplit.of(
                    3,
                    Amount.of(10),
                    OWNER,
                    BUILDER,
                    TREASURY,
                    List.of(credit(1, 500_000, ALICE, true), credit(1, 500_000, ALICE, true))))
        .hasMessage("contribution 1 is credited twice");
    assertThatThrownBy(
            () -> TrainingFeeSplit.of(3, Amount.of(10), OWNER, BUILDER, TREASURY, List.of()))
        .hasMessage("no contribution of datanet 3 is credited");
    assertThatThrownBy(
            () ->
                TrainingFeeSplit.checkWeights(
                    3,
                    List.of(
                        new TrainingFeeSplit.Weight(1, 0),
                        new TrainingFeeSplit.Weight(2, 1_000_000))))
        .hasMessage("contribution 1 has weight 0 ppm (want 1..1000000)");
  }
}
