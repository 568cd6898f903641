package io.openledger.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PartsPerMillionTest {

  @Test
  void floorsEachShareAndGivesTheRemainderToTheModel() {
    SplittableRandom r = new SplittableRandom(1);
    for (int c = 0; c < 5000; c++) {
      Map<String, Long> masses = new TreeMap<>();
      int k = r.nextInt(20);
      for (int i = 0; i < k; i++) {
        masses.put("c" + i, c % 2 == 0 ? r.nextLong(1_000) : r.nextLong(Long.MAX_VALUE / 64));
      }
      long model = c % 3 == 0 ? 0 : r.nextLong(1_000_000);
      AttributionWeights w = PartsPerMillion.fromMasses(masses, model);
      long total = model + masses.values().stream().mapToLong(Long::longValue).sum();
      long given = 0;
      for (ContributionWeight cw : w.contributions()) {
        long exact =
            java.math.BigInteger.valueOf(masses.get(cw.contributionId()))
                .multiply(java.math.BigInteger.valueOf(1_000_000))
                .divide(java.math.BigInteger.valueOf(total))
                .longValueExact();
        assertThat(cw.ppm()).as("case %d", c).isEqualTo(exact).isPositive();
        given += cw.ppm();
      }
      assertThat(given + w.modelPpm()).isEqualTo(1_000_000);
      if (total > 0) {
        // the model's floor share plus less than one ppm per contribution
        long modelFloor =
            java.math.BigInteger.valueOf(model)
                .multiply(java.math.BigInteger.valueOf(1_000_000))
                .divide(java.math.BigInteger.valueOf(total))
                .longValueExact();
        assertThat(w.modelPpm() - modelFloor).as("case %d", c).isBetween(0L, (long) k + 1);
      }
      for (int i = 1; i < w.contributions().size(); i++) {
        assertThat(w.contributions().get(i - 1).ppm())
            .isGreaterThanOrEqualTo(w.contributions().get(i).ppm());
      }
    }
  }

  @Test
  void onlyPositiveInfluenceEarns() {
    AttributionWeights w =
        PartsPerMillion.fromScores(List.of("a", "b", "c", "a"), new double[] {3.0, -5.0, 1.0, 1.0});
    assertThat(w.ppmOf("b")).isZero();
    // a: 3 + 1 = 4 parts, c: 1 part -> 800000 and 200000, rounding to the model
    assertThat(w.ppmOf("a")).isBetween(799_999, 800_000);
    assertThat(w.ppmOf("c")).isBetween(199_999, 200_000);
    assertThat(w.ppmOf("a") + w.ppmOf("c") + w.modelPpm()).isEqualTo(1_000_000);
    AttributionWeights none = PartsPerMillion.fromScores(List.of("a"), new double[] {-1});
    assertThat(none.modelPpm()).isEqualTo(1_000_000);
    assertThat(none.contributions()).isEmpty();
  }

  @Test
  void codePointOrderIsTheOrderOfUtf8Bytes() {
    SplittableRandom r = new SplittableRandom(3);
    int[] points = {0x41, 0x7A, 0xE9, 0xFFFD, 0xE000, 0x1F600, 0x10000, 0xD7FF};
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      StringBuilder sb = new StringBuilder();
      for (int k = r.nextInt(4); k >= 0; k--) {
        sb.appendCodePoint(points[r.nextInt(points.length)]);
      }
      strings.add(sb.toString());
    }
    for (String a : strings) {
      for (String b : strings) {
        int expected =
            java.util.Arrays.compareUnsigned(
                a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(Integer.signum(PartsPerMillion.CODE_POINT.compare(a, b)))
            .isEqualTo(Integer.signum(expected));
      }
    }
  }
}
