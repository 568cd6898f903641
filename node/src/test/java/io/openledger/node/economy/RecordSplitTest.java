package io.openledger.node.economy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.ContributionStanding;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.ContributionShare;
import io.openledger.chain.inference.ContributionWeight;
import io.openledger.chain.inference.FeeParties;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.FeeShares;
import io.openledger.chain.inference.FeeSplit;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.Usage;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.RecordSplit.Credit;
import io.openledger.node.economy.RecordSplit.Role;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The split of a record, recomputed from its fee: docs/economy.md's worked examples and more. */
class RecordSplitTest {
  private static final KeyPair OPERATOR = KeyPair.fromPrivateKeyHex("0x" + "0a".repeat(32));
  private static final Address OWNER = Address.ofLowBytes(0xa1);
  private static final Address TREASURY = Address.ofLowBytes(0xee);
  private static final Address ALICE = Address.ofLowBytes(0x11);
  private static final Address BOB = Address.ofLowBytes(0x12);
  private static final Address CAROL = Address.ofLowBytes(0x13);
  private static final Address DAVE = Address.ofLowBytes(0x14);
  private static final Map<Long, Address> CONTRIBUTORS =
      Map.of(11L, ALICE, 12L, BOB, 7L, CAROL, 8L, DAVE);

  private static InferenceRecord record(
      Address payer, long in, long out, Amount fee, List<Attribution> attribution) {
    return new InferenceRecord(
            OPERATOR.address(),
            0,
            1,
            Hash.keccak256(new byte[] {1}),
            payer,
            Hash.keccak256(new byte[] {2}),
            Hash.keccak256(new byte[] {3}),
            Hash.keccak256(new byte[] {4}),
            in,
            out,
            fee,
            attribution,
            Amount.ZERO,
            new byte[0],
            new byte[0])
        .signedBy(OPERATOR);
  }

  private static RecordSplit split(InferenceRecord r, FeeRuleV1 rule) {
    return split(r, rule, Set.of());
  }

  /** The split when the contributions {@code forfeited} earn nothing (penalized or barred). */
  private static RecordSplit split(InferenceRecord r, FeeRuleV1 rule, Set<Long> forfeited) {
    return RecordSplit.of(
        r,
        rule,
        OWNER,
        TREASURY,
        id -> new ContributionStanding(CONTRIBUTORS.get(id), !forfeited.contains(id)));
  }

  @Test
  void workedExample1EveryRoundingStep() {
    FeeRuleV1 rule = new FeeRuleV1(FeeShares.DEFAULT, Amount.of(5));
    Amount fee = rule.fee(1_234, 567, Amount.of(7), Amount.of(13));
    assertThat(fee).isEqualTo(Amount.of(21));
    RecordSplit s =
        split(
            record(
                DAVE,
                1_234,
                567,
                fee,
                List.of(new Attribution(11, 600_000), new Attribution(12, 250_000))),
            rule);
    assertThat(s.payouts())
        .containsExactlyInAnyOrder(
            new Payout(OWNER, Amount.of(6)),
            new Payout(StakingModule.ADDRESS, Amount.of(3)),
            new Payout(ALICE, Amount.of(4)),
            new Payout(BOB, Amount.of(2)),
            new Payout(TREASURY, Amount.of(6)));
    assertThat(s.credits())
        .containsExactly(
            new Credit(TREASURY, Role.TREASURY, Amount.of(6), 0),
            new Credit(OWNER, Role.OWNER, Amount.of(6), 0),
            new Credit(StakingModule.ADDRESS, Role.STAKERS, Amount.of(3), 0),
            new Credit(ALICE, Role.CONTRIBUTOR, Amount.of(4), 11),
            new Credit(BOB, Role.CONTRIBUTOR, Amount.of(2), 12));
    assertThat(s.modelPpm()).isEqualTo(150_000);
    assertThat(s.fee().unattributed()).isEqualTo(Amount.of(2));
  }

  /**
   * Worked example 1 with bob's contribution #12 forfeited (penalized, or bob barred by his penalty
   * score): its 2 go to the owner with the unattributed weight; alice is paid as before.
   */
  @Test
  void aForfeitedContributionsShareGoesToTheOwnerAndThePayoutsStillSumToTheFee() {
    FeeRuleV1 rule = new FeeRuleV1(FeeShares.DEFAULT, Amount.of(5));
    InferenceRecord r =
        record(
            DAVE,
            1_234,
            567,
            Amount.of(21),
            List.of(new Attribution(11, 600_000), new Attribution(12, 250_000)));
    RecordSplit s = split(r, rule, Set.of(12L));
    assertThat(s.payouts())
        .containsExactlyInAnyOrder(
            new Payout(OWNER, Amount.of(8)), // 3 + rest 1 + unattributed 2 + bob's 2
            new Payout(StakingModule.ADDRESS, Amount.of(3)),
            new Payout(ALICE, Amount.of(4)),
            new Payout(TREASURY, Amount.of(6)));
    assertThat(Payout.total(s.payouts())).isEqualTo(Amount.of(21));
    assertThat(s.credits()).noneMatch(c -> c.account().equals(BOB) || c.contributionId() == 12);
    assertThat(s.forfeited()).containsExactly(new Attribution(12, 250_000));
    assertThat(s.fee().unattributed()).isEqualTo(Amount.of(4));
    assertThat(s.modelPpm()).isEqualTo(150_000); // the weights are the record's
    assertThat(s.modelOwner()).isEqualTo(OWNER);

    // both forfeited: the whole data share is the owner's
    RecordSplit none = split(r, rule, Set.of(11L, 12L));
    assertThat(none.payouts())
        .containsExactlyInAnyOrder(
            new Payout(OWNER, Amount.of(12)),
            new Payout(StakingModule.ADDRESS, Amount.of(3)),
            new Payout(TREASURY, Amount.of(6)));
    assertThat(none.fee().contributions()).isEmpty();
  }

  /**
   * Forfeiting moves exactly each forfeited contribution's part (to its contributor, or to the
   * treasury when the contributor paid) to the owner, and nothing else.
   */
  @Test
  void forfeitingMovesEachForfeitedPartToTheOwnerAndNothingElse() {
    SplittableRandom rnd = new SplittableRandom(20_261_202);
    for (int i = 0; i < 3_000; i++) {
      FeeRuleV1 rule = new FeeRuleV1(shares(rnd), Amount.of(rnd.nextLong(0, 1_000)));
      List<Attribution> attribution = attribution(rnd);
      Set<Long> forfeited = new HashSet<>();
      for (Attribution a : attribution) {
        if (rnd.nextInt(3) == 0) {
          forfeited.add(a.contributionId());
        }
      }
      Address payer = rnd.nextInt(4) == 0 ? ALICE : DAVE;
      Amount fee =
          rule.fee(rnd.nextLong(0, 100_000), rnd.nextLong(0, 100_000), price(rnd), price(rnd));
      InferenceRecord r = record(payer, 1, 1, fee, attribution);

      RecordSplit full = split(r, rule);
      RecordSplit cut = split(r, rule, forfeited);

      Map<Address, BigInteger> want = new HashMap<>();
      full.payouts().forEach(p -> want.merge(p.account(), p.amount().value(), BigInteger::add));
      for (ContributionShare c : full.fee().contributions()) {
        if (forfeited.contains(c.contributionId())) {
          want.merge(c.paidTo(), c.amount().value().negate(), BigInteger::add);
          want.merge(OWNER, c.amount().value(), BigInteger::add);
        }
      }
      want.values().removeIf(v -> v.signum() == 0);
      Map<Address, BigInteger> got = new HashMap<>();
      cut.payouts().forEach(p -> got.put(p.account(), p.amount().value()));
      assertThat(got).as("case %d", i).isEqualTo(want);
      assertThat(Payout.total(cut.payouts())).isEqualTo(fee);
      assertThat(cut.modelPpm()).isEqualTo(full.modelPpm());
      assertThat(cut.forfeited())
          .containsExactlyElementsOf(
              attribution.stream().filter(a -> forfeited.contains(a.contributionId())).toList());
      assertThat(cut.credits())
          .noneMatch(c -> c.contributionId() != 0 && forfeited.contains(c.contributionId()));
    }
  }

  @Test
  void workedExample2ThePayersOwnContributionGoesToTheTreasury() {
    FeeRuleV1 rule = new FeeRuleV1(FeeShares.DEFAULT, Amount.ZERO);
    Amount priceIn = Amount.of(new BigInteger("1999999999999999"));
    Amount priceOut = Amount.of(new BigInteger("6000000000000000"));
    Amount fee = rule.fee(1_001, 334, priceIn, priceOut);
    assertThat(fee.value()).isEqualTo(new BigInteger("4005999999999998"));
    RecordSplit s =
        split(
            record(
                DAVE,
                1_001,
                334,
                fee,
                List.of(new Attribution(7, 400_000), new Attribution(8, 350_000))),
            rule);
    assertThat(s.payouts())
        .containsExactlyInAnyOrder(
            new Payout(OWNER, amount("1301950000000002")),
            new Payout(StakingModule.ADDRESS, amount("801199999999999")),
            new Payout(CAROL, amount("801199999999999")),
            new Payout(TREASURY, amount("1101649999999998")));
    assertThat(s.credits())
        .contains(
            new Credit(TREASURY, Role.TREASURY, amount("701049999999999"), 8),
            new Credit(CAROL, Role.CONTRIBUTOR, amount("801199999999999"), 7))
        .noneMatch(c -> c.account().equals(DAVE));
  }

  /**
   * The split from the record's fee is the split of its tokens at the prices it was charged at,
   * whatever the prices are now; credits sum to the fee and merge into the payouts.
   */
  @Test
  void theSplitOfTheFeeIsTheSplitOfTheTokensAtThePricesOfTheTime() {
    SplittableRandom rnd = new SplittableRandom(20_270_115);
    for (int i = 0; i < 3_000; i++) {
      FeeShares shares = shares(rnd);
      FeeRuleV1 rule =
          new FeeRuleV1(shares, Amount.of(rnd.nextInt(3) == 0 ? 0 : rnd.nextLong(1, 1_000_000)));
      Amount priceIn = price(rnd);
      Amount priceOut = price(rnd);
      long in = rnd.nextLong(0, 100_000);
      long out = rnd.nextLong(0, 100_000);
      List<Attribution> attribution = attribution(rnd);
      Address payer = rnd.nextInt(4) == 0 ? ALICE : DAVE; // alice pays herself sometimes
      FeeParties parties = new FeeParties(payer, OWNER, StakingModule.ADDRESS, TREASURY);
      List<ContributionWeight> weights =
          attribution.stream()
              .map(a -> a.withContributor(CONTRIBUTORS.get(a.contributionId())))
              .toList();
      FeeSplit atTheTime = rule.split(new Usage(in, out, priceIn, priceOut), weights, parties);

      RecordSplit s = split(record(payer, in, out, atTheTime.fee(), attribution), rule);

      assertThat(s.fee()).as("case %d", i).isEqualTo(atTheTime);
      Amount sum = Amount.ZERO;
      Map<Address, Amount> merged = new HashMap<>();
      for (Credit c : s.credits()) {
        assertThat(c.amount().isZero()).isFalse();
        sum = sum.add(c.amount());
        merged.merge(c.account(), c.amount(), Amount::add);
        if (c.role() == Role.CONTRIBUTOR) {
          assertThat(c.contributionId()).isNotZero();
          assertThat(c.account()).isNotEqualTo(payer);
        } else if (c.role() != Role.TREASURY) {
          assertThat(c.contributionId()).isZero();
        }
      }
      assertThat(sum).isEqualTo(atTheTime.fee());
      assertThat(Payout.total(s.payouts())).isEqualTo(atTheTime.fee());
      assertThat(
              Payout.merge(
                  merged.entrySet().stream()
                      .map(e -> new Payout(e.getKey(), e.getValue()))
                      .toList()))
          .isEqualTo(s.payouts());
    }
  }

  @Test
  void aFeeBelowThePlatformFeeIsRefused() {
    FeeRuleV1 rule = new FeeRuleV1(FeeShares.DEFAULT, Amount.of(5));
    InferenceRecord r = record(DAVE, 10, 10, Amount.of(4), List.of());
    assertThatThrownBy(() -> split(r, rule))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("record 0: fee 4 is below the platform fee 5; the fee rule never charges less");
  }

  @Test
  void aFreeRecordPaysNobody() {
    RecordSplit s =
        split(
            record(DAVE, 0, 0, Amount.ZERO, List.of(new Attribution(11, 1_000_000))),
            new FeeRuleV1(FeeShares.DEFAULT, Amount.ZERO));
    assertThat(s.credits()).isEmpty();
    assertThat(s.payouts()).isEmpty();
    assertThat(s.modelPpm()).isZero();
  }

  private static FeeShares shares(SplittableRandom rnd) {
    if (rnd.nextBoolean()) {
      return FeeShares.DEFAULT;
    }
    int a = rnd.nextInt(10_001);
    int b = rnd.nextInt(10_001 - a);
    int c = rnd.nextInt(10_001 - a - b);
    return new FeeShares(a, b, c, 10_000 - a - b - c);
  }

  private static Amount price(SplittableRandom rnd) {
    return switch (rnd.nextInt(3)) {
      case 0 -> Amount.of(rnd.nextLong(0, 100));
      case 1 -> Amount.of(rnd.nextLong(0, Long.MAX_VALUE));
      default -> Amount.of(BigInteger.valueOf(rnd.nextLong(0, Long.MAX_VALUE)).shiftLeft(60));
    };
  }

  private static List<Attribution> attribution(SplittableRandom rnd) {
    List<Attribution> out = new ArrayList<>();
    int left = 1_000_000;
    for (long id : List.of(11L, 12L, 7L, 8L)) {
      if (rnd.nextBoolean()) {
        int ppm = rnd.nextInt(left + 1);
        left -= ppm;
        out.add(new Attribution(id, ppm));
      }
    }
    return out;
  }

  private static Amount amount(String v) {
    return Amount.of(new BigInteger(v));
  }
}
