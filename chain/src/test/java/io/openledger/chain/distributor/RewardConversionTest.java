package io.openledger.chain.distributor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.distributor.ClaimTree.Entry;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Conversion rule 1: pro rata, largest remainders, the sum exactly the total. */
class RewardConversionTest {
  private static final Address A = Address.ofLowBytes(0xa);
  private static final Address B = Address.ofLowBytes(0xb);
  private static final Address C = Address.ofLowBytes(0xc);

  @Test
  void aWorkedExample() {
    // 10 base units over 1 : 1 : 1 points: 3 each, the one left to the lowest address
    SortedMap<Address, Long> p = new TreeMap<>();
    p.put(C, 1L);
    p.put(B, 1L);
    p.put(A, 1L);
    assertThat(RewardConversion.convert(p, Amount.of(10)))
        .containsExactly(
            new Entry(A, Amount.of(4)), new Entry(B, Amount.of(3)), new Entry(C, Amount.of(3)));
    // 100 over 1 : 2 : 4 (7 points): 14.28, 28.57, 57.14 -> 14, 28, 57 and 1 left to B (.57)
    p.put(B, 2L);
    p.put(C, 4L);
    assertThat(RewardConversion.convert(p, Amount.of(100)))
        .containsExactly(
            new Entry(A, Amount.of(14)), new Entry(B, Amount.of(29)), new Entry(C, Amount.of(57)));
  }

  @Test
  void amountsSumToTheTotalAndFollowThePointsOverRandomLists() {
    Random random = new Random(161201);
    for (int round = 0; round < 2_000; round++) {
      SortedMap<Address, Long> p = new TreeMap<>();
      int n = 1 + random.nextInt(30);
      for (int i = 0; i < n; i++) {
        byte[] a = new byte[20];
        random.nextBytes(a);
        p.put(Address.wrap(a), (long) random.nextInt(round % 2 == 0 ? 5 : 1_000_000));
      }
      p.put(Address.ofLowBytes(round + 1), 1L + random.nextInt(10)); // at least one with points
      Amount total = Amount.of(new BigInteger(1 + random.nextInt(90), random));
      List<Entry> out = RewardConversion.convert(p, total);
      BigInteger sum = BigInteger.ZERO;
      long points = p.values().stream().mapToLong(Long::longValue).sum();
      for (Entry e : out) {
        assertThat(e.amount().isZero()).isFalse();
        sum = sum.add(e.amount().value());
        // each amount is the exact pro-rata share, rounded down or up by less than one unit
        BigInteger exact = total.value().multiply(BigInteger.valueOf(p.get(e.account())));
        BigInteger scaled = e.amount().value().multiply(BigInteger.valueOf(points));
        assertThat(scaled.subtract(exact).abs()).isLessThan(BigInteger.valueOf(points));
      }
      assertThat(sum).isEqualTo(total.value());
      assertThat(out).isSortedAccordingTo((x, y) -> x.account().compareTo(y.account()));
    }
  }

  @Test
  void withoutPointsThereIsNothingToShareBy() {
    SortedMap<Address, Long> p = new TreeMap<>();
    p.put(A, 0L);
    assertThatThrownBy(() -> RewardConversion.convert(p, Amount.of(5)))
        .hasMessage("no account has points: there is nothing to share by");
  }
}
