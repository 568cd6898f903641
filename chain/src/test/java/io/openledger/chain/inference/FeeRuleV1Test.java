package io.openledger.chain.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fee rule v1: the worked examples of docs/economy.md and properties against a naive twin. */
class FeeRuleV1Test {
  private static final FeeRuleV1 DEFAULT = new FeeRuleV1(FeeShares.DEFAULT, Amount.ZERO);
  private static final BigInteger MAX = Amount.MAX_VALUE;

  private static final Address PAYER = addr(0xa1);
  private static final Address OWNER = addr(0xa2);
  private static final Address OPERATOR = addr(0xa3);
  private static final Address TREASURY = addr(0x1000);
  private static final Address ALICE = addr(0xb1);
  private static final Address BOB = addr(0xb2);
  private static final FeeParties PARTIES = new FeeParties(PAYER, OWNER, OPERATOR, TREASURY);

  @Test
  void workedExample1EveryRoundingStep() {
    // docs/economy.md, "Worked example 1"
    FeeRuleV1 rule = new FeeRuleV1(FeeShares.DEFAULT, Amount.of(5));
    FeeSplit s =
        rule.split(
            new Usage(1_234, 567, Amount.of(7), Amount.of(13)),
            List.of(
                new ContributionWeight(11, ALICE, 600_000),
                new ContributionWeight(12, BOB, 250_000)),
            PARTIES);
    assertThat(s.usage()).isEqualTo(Amount.of(16)); // floor(16,009 / 1000)
    assertThat(s.fee()).isEqualTo(Amount.of(21));
    assertThat(rule.fee(1_234, 567, Amount.of(7), Amount.of(13))).isEqualTo(Amount.of(21));
    assertThat(List.of(s.platform(), s.owner(), s.stakers(), s.data(), s.rest()))
        .containsExactly(Amount.of(6), Amount.of(3), Amount.of(3), Amount.of(8), Amount.of(1));
    assertThat(s.contributions())
        .extracting(ContributionShare::amount)
        .containsExactly(Amount.of(4), Amount.of(2));
    assertThat(s.unattributed()).isEqualTo(Amount.of(2));
    assertThat(s.payouts())
        .containsExactly(
            new Payout(OWNER, Amount.of(6)), // 3 + rest 1 + unattributed 2
            new Payout(OPERATOR, Amount.of(3)),
            new Payout(ALICE, Amount.of(4)),
            new Payout(BOB, Amount.of(2)),
            new Payout(TREASURY, Amount.of(6)));
  }

  @Test
  void workedExample2PayerIsAContributor() {
    // docs/economy.md, "Worked example 2": dave pays and contributed #8; #8's part goes to the
    // treasury
    Address carol = ALICE;
    Address dave = PAYER;
    FeeSplit s =
        DEFAULT.split(
            new Usage(
                1_001, 334, Amount.of(1_999_999_999_999_999L), Amount.of(6_000_000_000_000_000L)),
            List.of(
                new ContributionWeight(7, carol, 400_000),
                new ContributionWeight(8, dave, 350_000)),
            PARTIES);
    assertThat(s.usage()).isEqualTo(Amount.of(4_005_999_999_999_998L));
    assertThat(s.fee()).isEqualTo(s.usage());
    assertThat(List.of(s.platform(), s.owner(), s.stakers(), s.data(), s.rest()))
        .containsExactly(
            Amount.of(400_599_999_999_999L),
            Amount.of(801_199_999_999_999L),
            Amount.of(801_199_999_999_999L),
            Amount.of(2_002_999_999_999_999L),
            Amount.of(2));
    assertThat(s.contributions())
        .containsExactly(
            new ContributionShare(7, carol, 400_000, Amount.of(801_199_999_999_999L), carol),
            new ContributionShare(8, dave, 350_000, Amount.of(701_049_999_999_999L), TREASURY));
    assertThat(s.unattributed()).isEqualTo(Amount.of(500_750_000_000_001L));
    assertThat(s.payouts())
        .containsExactly(
            new Payout(OWNER, Amount.of(1_301_950_000_000_002L)),
            new Payout(OPERATOR, Amount.of(801_199_999_999_999L)),
            new Payout(carol, Amount.of(801_199_999_999_999L)),
            new Payout(TREASURY, Amount.of(1_101_649_999_999_998L)));
    assertThat(s.payouts()).extracting(Payout::account).doesNotContain(dave);
  }

  @Test
  void refusesBadAttribution() {
    Usage u = new Usage(10, 10, Amount.of(1_000), Amount.of(1_000));
    assertThatThrownBy(
            () ->
                DEFAULT.split(
                    u,
                    List.of(
                        new ContributionWeight(1, ALICE, 600_000),
                        new ContributionWeight(2, BOB, 400_001)),
                    PARTIES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attribution weights sum to 1000001 ppm, over 1000000");
    assertThatThrownBy(() -> new ContributionWeight(1, ALICE, -1))
        .hasMessage("weight of contribution 1 must be in 0..1000000 ppm, got -1");
    assertThatThrownBy(
            () ->
                DEFAULT.split(
                    u,
                    List.of(new ContributionWeight(3, ALICE, 1), new ContributionWeight(3, BOB, 1)),
                    PARTIES))
        .hasMessage("contribution 3 appears twice in the attribution");
    assertThatThrownBy(() -> new Usage(-1, 0, Amount.ZERO, Amount.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FeeShares(1000, 2000, 2000, 4999))
        .hasMessageContaining("must sum to 10000 bps, got 9999");
  }

  @Test
  void overflowIsAnArithmeticExceptionNeverAWrap() {
    Amount max = Amount.of(MAX);
    assertThatThrownBy(() -> DEFAULT.fee(2, 0, max, Amount.ZERO))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> DEFAULT.fee(1, 1, max, Amount.of(1)))
        .isInstanceOf(ArithmeticException.class);
    // usage fits, but usage × 5000 bps does not: checked like Solidity, refused
    Amount big = Amount.of(MAX.divide(BigInteger.valueOf(1_000)));
    assertThatThrownBy(
            () -> DEFAULT.split(new Usage(1_000, 0, big, Amount.ZERO), List.of(), PARTIES))
        .isInstanceOf(ArithmeticException.class);
    // the platform fee pushes the fee past 2^256 - 1
    FeeRuleV1 withFee = new FeeRuleV1(FeeShares.DEFAULT, max);
    assertThatThrownBy(() -> withFee.fee(1_000, 0, Amount.of(1), Amount.ZERO))
        .isInstanceOf(ArithmeticException.class);
    // one price at the limit with zero tokens costs nothing
    assertThat(DEFAULT.fee(0, 0, max, max)).isEqualTo(Amount.ZERO);
    assertThat(withFee.fee(0, 0, max, max)).isEqualTo(max);
  }

  @Test
  void aFeeBelowThePlatformFeeCannotBeSplit() {
    FeeRuleV1 rule = new FeeRuleV1(FeeShares.DEFAULT, Amount.of(1_000));
    FeeParties parties =
        new FeeParties(
            Address.ofLowBytes(1),
            Address.ofLowBytes(2),
            Address.ofLowBytes(3),
            Address.ofLowBytes(4));
    assertThatThrownBy(() -> rule.splitFee(Amount.of(999), List.of(), parties))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below the platform fee");
    assertThat(Payout.total(rule.splitFee(Amount.of(1_000), List.of(), parties).payouts()))
        .isEqualTo(Amount.of(1_000));
  }

  @Test
  void zeroPricesPayOnlyThePlatformFee() {
    FeeRuleV1 rule = new FeeRuleV1(FeeShares.DEFAULT, Amount.of(100));
    FeeSplit s =
        rule.split(
            new Usage(5_000, 5_000, Amount.ZERO, Amount.ZERO),
            List.of(new ContributionWeight(1, ALICE, 1_000_000)),
            PARTIES);
    assertThat(s.fee()).isEqualTo(Amount.of(100));
    assertThat(s.payouts()).containsExactly(new Payout(TREASURY, Amount.of(100)));
    assertThat(
            DEFAULT.split(new Usage(1, 1, Amount.ZERO, Amount.ZERO), List.of(), PARTIES).payouts())
        .isEmpty();
  }

  @Test
  void propertiesAgainstANaiveTwin() {
    SplittableRandom rnd = new SplittableRandom(20_260_115);
    int overflowed = 0;
    for (int n = 0; n < 5_000; n++) {
      Case c = randomCase(rnd);
      Map<Address, BigInteger> expected = naive(c);
      if (expected == null) {
        overflowed++;
        assertThatThrownBy(() -> c.rule.split(c.usage, c.attribution, c.parties))
            .as("case %d", n)
            .isInstanceOf(ArithmeticException.class);
        continue;
      }
      FeeSplit s = c.rule.split(c.usage, c.attribution, c.parties);
      Map<Address, BigInteger> actual = new HashMap<>();
      Address previous = null;
      for (Payout p : s.payouts()) {
        assertThat(p.amount().isZero()).as("case %d: zero payout", n).isFalse();
        if (previous != null) {
          assertThat(previous.compareTo(p.account())).as("case %d: sorted", n).isNegative();
        }
        previous = p.account();
        actual.put(p.account(), p.amount().value());
      }
      assertThat(actual).as("case %d", n).isEqualTo(expected);
      assertThat(Payout.total(s.payouts())).as("case %d: sums to the fee", n).isEqualTo(s.fee());
      assertThat(c.rule.splitFee(s.fee(), c.attribution, c.parties))
          .as("case %d: splitting the fee is splitting its usage", n)
          .isEqualTo(s);
      assertThat(s.fee())
          .isEqualTo(
              c.rule.fee(
                  c.usage.promptTokens(),
                  c.usage.completionTokens(),
                  c.usage.pricePerKIn(),
                  c.usage.pricePerKOut()));
      for (ContributionShare cs : s.contributions()) {
        if (cs.contributor().equals(c.parties.payer())) {
          assertThat(cs.paidTo())
              .as("case %d: payer's own contribution", n)
              .isEqualTo(c.parties.treasury());
        } else {
          assertThat(cs.paidTo()).isEqualTo(cs.contributor());
        }
      }
      checkMonotone(rnd, c, s, n);
    }
    assertThat(overflowed).as("some cases reach the uint256 limit").isBetween(50, 2_500);
  }

  /** More tokens or higher prices never lower the fee; more weight never lowers a share. */
  private static void checkMonotone(SplittableRandom rnd, Case c, FeeSplit s, int n) {
    Usage u = c.usage;
    try {
      Usage more =
          new Usage(
              u.promptTokens() + rnd.nextInt(1_000),
              u.completionTokens() + rnd.nextInt(1_000),
              u.pricePerKIn().add(Amount.of(rnd.nextInt(1_000))),
              u.pricePerKOut());
      assertThat(c.rule.split(more, c.attribution, c.parties).fee().compareTo(s.fee()))
          .as("case %d: fee monotone", n)
          .isGreaterThanOrEqualTo(0);
    } catch (ArithmeticException overflowAtTheEdge) {
      // the bigger request left uint256: refused, which is fine
    }
    if (c.attribution.isEmpty()) {
      return;
    }
    long total = c.attribution.stream().mapToLong(ContributionWeight::ppm).sum();
    int i = rnd.nextInt(c.attribution.size());
    ContributionWeight w = c.attribution.get(i);
    long extra = rnd.nextLong(ContributionWeight.PPM - total + 1);
    List<ContributionWeight> heavier = new ArrayList<>(c.attribution);
    heavier.set(i, new ContributionWeight(w.contributionId(), w.contributor(), w.ppm() + extra));
    FeeSplit h;
    try {
      h = c.rule.split(u, heavier, c.parties);
    } catch (ArithmeticException overflowAtTheEdge) {
      return; // data × the bigger weight left uint256: refused, which is fine
    }
    assertThat(h.contributions().get(i).amount().compareTo(s.contributions().get(i).amount()))
        .as("case %d: share monotone in weight", n)
        .isGreaterThanOrEqualTo(0);
    assertThat(Payout.total(h.payouts())).isEqualTo(h.fee());
  }

  private record Case(
      FeeRuleV1 rule, Usage usage, List<ContributionWeight> attribution, FeeParties parties) {}

  private static Case randomCase(SplittableRandom rnd) {
    FeeShares shares = randomShares(rnd);
    Amount platformFee = rnd.nextInt(4) == 0 ? randomAmount(rnd) : Amount.ZERO;
    Usage usage =
        new Usage(
            rnd.nextInt(5) == 0 ? 0 : rnd.nextLong(1, 200_000),
            rnd.nextInt(5) == 0 ? 0 : rnd.nextLong(1, 200_000),
            randomAmount(rnd),
            randomAmount(rnd));
    // a small pool so that roles coincide: the payer may be owner, operator or a contributor
    Address[] pool = {PAYER, OWNER, OPERATOR, ALICE, BOB, addr(0xb3)};
    FeeParties parties =
        new FeeParties(
            pool[rnd.nextInt(pool.length)],
            pool[rnd.nextInt(pool.length)],
            pool[rnd.nextInt(pool.length)],
            rnd.nextInt(10) == 0 ? pool[rnd.nextInt(pool.length)] : TREASURY);
    List<ContributionWeight> attribution = new ArrayList<>();
    long left = ContributionWeight.PPM;
    int count = rnd.nextInt(8);
    for (int i = 0; i < count; i++) {
      long w = rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(left + 1);
      left -= w;
      attribution.add(new ContributionWeight(100 + i, pool[rnd.nextInt(pool.length)], w));
    }
    return new Case(new FeeRuleV1(shares, platformFee), usage, attribution, parties);
  }

  private static FeeShares randomShares(SplittableRandom rnd) {
    if (rnd.nextBoolean()) {
      return FeeShares.DEFAULT;
    }
    int a = rnd.nextInt(10_001);
    int b = rnd.nextInt(10_001 - a);
    int c = rnd.nextInt(10_001 - a - b);
    return new FeeShares(a, b, c, 10_000 - a - b - c);
  }

  /** Zero, small, 18-decimal sized, or close to 2^256 (so that products overflow). */
  private static Amount randomAmount(SplittableRandom rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> Amount.ZERO;
      case 1 -> Amount.of(rnd.nextLong(1, 10_000));
      case 2, 3 -> Amount.of(rnd.nextLong(1, Long.MAX_VALUE));
      case 4 ->
          Amount.of(
              MAX.shiftRight(rnd.nextInt(1, 40)).subtract(BigInteger.valueOf(rnd.nextInt(1000))));
      default -> Amount.of(MAX.subtract(BigInteger.valueOf(rnd.nextInt(1000))));
    };
  }

  /**
   * The rule written out on BigIntegers, with every intermediate checked against 2^256 - 1; null
   * when one leaves the range.
   */
  private static Map<Address, BigInteger> naive(Case c) {
    Usage u = c.usage;
    FeeShares sh = c.rule.shares();
    List<BigInteger> steps = new ArrayList<>();
    BigInteger in = u.pricePerKIn().value().multiply(BigInteger.valueOf(u.promptTokens()));
    BigInteger out = u.pricePerKOut().value().multiply(BigInteger.valueOf(u.completionTokens()));
    BigInteger sum = in.add(out);
    steps.addAll(List.of(in, out, sum));
    BigInteger usage = sum.divide(BigInteger.valueOf(1000));
    BigInteger fee = usage.add(c.rule.platformFee().value());
    steps.add(fee);
    BigInteger[] parts = new BigInteger[4];
    int[] bps = {sh.platformBps(), sh.ownerBps(), sh.stakersBps(), sh.dataBps()};
    for (int i = 0; i < 4; i++) {
      BigInteger product = usage.multiply(BigInteger.valueOf(bps[i]));
      steps.add(product);
      parts[i] = product.divide(BigInteger.valueOf(10_000));
    }
    BigInteger data = parts[3];
    for (ContributionWeight w : c.attribution) {
      steps.add(data.multiply(BigInteger.valueOf(w.ppm())));
    }
    if (steps.stream().anyMatch(v -> v.compareTo(MAX) > 0)) {
      return null;
    }
    BigInteger rest = usage.subtract(parts[0]).subtract(parts[1]).subtract(parts[2]).subtract(data);
    Map<Address, BigInteger> pay = new HashMap<>();
    FeeParties p = c.parties;
    pay.merge(p.treasury(), c.rule.platformFee().value().add(parts[0]), BigInteger::add);
    pay.merge(p.stakers(), parts[2], BigInteger::add);
    BigInteger unattributed = data;
    for (ContributionWeight w : c.attribution) {
      BigInteger amount =
          data.multiply(BigInteger.valueOf(w.ppm())).divide(BigInteger.valueOf(1_000_000));
      unattributed = unattributed.subtract(amount);
      pay.merge(
          w.contributor().equals(p.payer()) ? p.treasury() : w.contributor(),
          amount,
          BigInteger::add);
    }
    pay.merge(p.modelOwner(), parts[1].add(rest).add(unattributed), BigInteger::add);
    pay.values().removeIf(v -> v.signum() == 0);
    return pay;
  }

  private static Address addr(int n) {
    return Address.ofLowBytes(n);
  }
}
