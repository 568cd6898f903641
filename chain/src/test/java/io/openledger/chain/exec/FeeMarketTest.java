package io.openledger.chain.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeeMarketTest {
  private static final Amount GWEI = Amount.of(1_000_000_000L);
  private final Eip1559FeeMarket ethereum = new Eip1559FeeMarket(GWEI, Amount.ZERO);

  @Test
  void knownAnswersFromGoEthereum() {
    // go-ethereum consensus/misc/eip1559 TestCalcBaseFee: parent base fee 1 gwei, limit 20M.
    assertThat(ethereum.nextBaseFee(10_000_000, 20_000_000, GWEI)).isEqualTo(GWEI);
    assertThat(ethereum.nextBaseFee(9_000_000, 20_000_000, GWEI))
        .isEqualTo(Amount.of(987_500_000L));
    assertThat(ethereum.nextBaseFee(11_000_000, 20_000_000, GWEI))
        .isEqualTo(Amount.of(1_012_500_000L));
  }

  @Test
  void fullAndEmptyBlocksMoveByOneEighth() {
    assertThat(ethereum.nextBaseFee(30_000_000, 30_000_000, GWEI))
        .isEqualTo(Amount.of(1_125_000_000L));
    assertThat(ethereum.nextBaseFee(0, 30_000_000, GWEI)).isEqualTo(Amount.of(875_000_000L));
  }

  @Test
  void riseIsAtLeastOneWeiAndFallStopsAtTheMinimum() {
    assertThat(ethereum.nextBaseFee(15_000_001, 30_000_000, Amount.of(7))).isEqualTo(Amount.of(8));
    Eip1559FeeMarket floored = new Eip1559FeeMarket(GWEI, Amount.of(900_000_000L));
    assertThat(floored.nextBaseFee(0, 30_000_000, GWEI)).isEqualTo(Amount.of(900_000_000L));
    assertThat(ethereum.nextBaseFee(0, 30_000_000, Amount.of(7)))
        .isEqualTo(Amount.of(7)); // 7/8 = 0
    assertThat(ethereum.nextBaseFee(0, 30_000_000, Amount.of(8))).isEqualTo(Amount.of(7));
  }

  @Test
  void matchesTheSpecFormulaOnRandomInputs() {
    SplittableRandom rnd = new SplittableRandom(1559);
    for (int i = 0; i < 10_000; i++) {
      long limit = rnd.nextLong(42_000, 1_000_000_000L);
      long used = rnd.nextLong(0, limit + 1);
      BigInteger base = BigInteger.valueOf(rnd.nextLong(1, Long.MAX_VALUE));
      BigInteger target = BigInteger.valueOf(limit / 2);
      BigInteger u = BigInteger.valueOf(used);
      // EIP-1559 specification, verbatim in integers
      BigInteger want;
      if (u.equals(target)) {
        want = base;
      } else if (u.compareTo(target) > 0) {
        BigInteger delta =
            base.multiply(u.subtract(target)).divide(target).divide(BigInteger.valueOf(8));
        want = base.add(delta.max(BigInteger.ONE));
      } else {
        BigInteger delta =
            base.multiply(target.subtract(u)).divide(target).divide(BigInteger.valueOf(8));
        want = base.subtract(delta);
      }
      assertThat(ethereum.nextBaseFee(used, limit, Amount.of(base)).value())
          .as("case %d: used %d limit %d base %s", i, used, limit, base)
          .isEqualTo(want);
    }
  }

  @Test
  void effectivePriceAndTip() {
    Amount base = Amount.of(100);
    assertThat(ethereum.effectiveGasPrice(Amount.of(150), Amount.of(20), base))
        .isEqualTo(Amount.of(120));
    assertThat(ethereum.effectiveGasPrice(Amount.of(110), Amount.of(20), base))
        .isEqualTo(Amount.of(110));
    assertThat(ethereum.priorityFeePerGas(Amount.of(110), Amount.of(20), base))
        .isEqualTo(Amount.of(10));
  }

  @Test
  void gasTableV1() {
    GasSchedule g = GasScheduleV1.INSTANCE;
    assertThat(g.intrinsicGas(new byte[0], false)).isEqualTo(21_000);
    assertThat(g.intrinsicGas(new byte[] {0, 1, 0, (byte) 0xff}, false))
        .isEqualTo(21_000 + 4 + 16 + 4 + 16);
    assertThat(g.intrinsicGas(new byte[] {1, 2, 3, 4}, true))
        .isEqualTo(21_000 + 64 + g.moduleCallBase());
    assertThat(g.logCost(2, 32)).isEqualTo(375 + 2 * 375 + 32 * 8);
    assertThat(g.storageWriteCost(88)).isEqualTo(20_000 + 88 * 16);
  }
}
