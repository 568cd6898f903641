package io.openledger.node.factory;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ppm rounding of {@code model register --from}: floor, the rest to the largest mass. */
class TrainingWeightsTest {
  @Test
  void floorsThenGivesTheRestToTheLargestWithTiesToTheLowestId() {
    Map<Long, BigDecimal> m = new LinkedHashMap<>();
    m.put(9L, new BigDecimal("0.5"));
    m.put(4L, new BigDecimal("0.25"));
    m.put(7L, BigDecimal.ZERO);
    assertThat(TrainingWeights.ppm(m))
        .containsExactly(
            new TrainingWeights.Weight(4, 333_333), new TrainingWeights.Weight(9, 666_667));
    // three equal masses: 333,333 each, the one left over to the lowest id
    Map<Long, BigDecimal> ties = Map.of(5L, BigDecimal.ONE, 3L, BigDecimal.ONE, 8L, BigDecimal.ONE);
    assertThat(TrainingWeights.ppm(ties))
        .containsExactly(
            new TrainingWeights.Weight(3, 333_334),
            new TrainingWeights.Weight(5, 333_333),
            new TrainingWeights.Weight(8, 333_333));
    // a mass too small for one ppm is left out
    Map<Long, BigDecimal> tiny = Map.of(1L, new BigDecimal("1e-9"), 2L, BigDecimal.ONE);
    assertThat(TrainingWeights.ppm(tiny)).containsExactly(new TrainingWeights.Weight(2, 1_000_000));
  }

  /** Seeded cases: the weights sum to 1,000,000 and each is the exact floor (or floor + rest). */
  @Test
  void sumsToAMillionAndMatchesExactArithmetic() {
    Random rnd = new Random(9);
    for (int round = 0; round < 2_000; round++) {
      int n = 1 + rnd.nextInt(40);
      Map<Long, BigDecimal> m = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        BigDecimal mass =
            rnd.nextInt(4) == 0
                ? BigDecimal.valueOf(rnd.nextInt(5))
                : new BigDecimal(rnd.nextDouble() * Math.pow(10, rnd.nextInt(12) - 6));
        m.put((long) rnd.nextInt(1_000_000) + 1, mass);
      }
      if (m.values().stream().allMatch(x -> x.signum() == 0)) {
        continue;
      }
      List<TrainingWeights.Weight> w = TrainingWeights.ppm(m);
      assertThat(w.stream().mapToLong(TrainingWeights.Weight::ppm).sum()).isEqualTo(1_000_000);
      BigDecimal total = m.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      long largest =
          m.entrySet().stream()
              .sorted(
                  (a, b) -> {
                    int c = b.getValue().compareTo(a.getValue());
                    return c != 0 ? c : Long.compare(a.getKey(), b.getKey());
                  })
              .findFirst()
              .orElseThrow()
              .getKey();
      for (TrainingWeights.Weight x : w) {
        BigInteger floor =
            m.get(x.contributionId())
                .multiply(BigDecimal.valueOf(1_000_000))
                .divide(total, 0, java.math.RoundingMode.FLOOR)
                .toBigIntegerExact();
        if (x.contributionId() == largest) {
          assertThat((long) x.ppm()).isGreaterThanOrEqualTo(floor.longValueExact());
          assertThat((long) x.ppm() - floor.longValueExact()).isLessThan(n);
        } else {
          assertThat((long) x.ppm()).isEqualTo(floor.longValueExact());
        }
        assertThat(x.ppm()).isPositive();
      }
    }
  }
}
