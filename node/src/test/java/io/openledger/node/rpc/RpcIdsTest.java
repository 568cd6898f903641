package io.openledger.node.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RpcIdsTest {
  @Test
  void canonicalIdsAreQuantitiesWithoutLeadingZeros() {
    assertThat(RpcIds.canonical("0x00Ab")).isEqualTo("0xab");
    assertThat(RpcIds.canonical("0x000")).isEqualTo("0x0");
    assertThat(RpcIds.canonical("0x0")).isEqualTo("0x0");
    assertThat(RpcIds.canonical("0x1")).isEqualTo("0x1");
    // Not an id: unchanged, so it matches nothing.
    assertThat(RpcIds.canonical("0x")).isEqualTo("0x");
    assertThat(RpcIds.canonical("0xz1")).isEqualTo("0xz1");
    assertThat(RpcIds.canonical("12")).isEqualTo("12");
    assertThat(RpcIds.canonical(null)).isNull();
  }

  @Test
  void canonicalAgreesWithTheNumberForRandomPaddings() {
    Random r = new Random(11);
    for (int i = 0; i < 2_000; i++) {
      BigInteger n = new BigInteger(r.nextInt(1, 129), r);
      String hex = n.toString(16);
      String written =
          "0x" + "0".repeat(r.nextInt(0, 5)) + (r.nextBoolean() ? hex.toUpperCase() : hex);
      assertThat(RpcIds.canonical(written)).isEqualTo("0x" + hex);
    }
  }

  @Test
  void randomIdsAreCanonicalAndDistinct() {
    Supplier<String> ids = RpcIds.random();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      String id = ids.get();
      assertThat(RpcIds.canonical(id)).isEqualTo(id);
      assertThat(id.length()).isBetween(3, 34);
      assertThat(seen.add(id)).isTrue();
    }
  }
}
