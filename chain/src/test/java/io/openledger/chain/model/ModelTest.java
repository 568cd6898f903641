package io.openledger.chain.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelTest {

  @Test
  void modelsRoundTripThroughTheirStorageEncoding() {
    SplittableRandom rnd = new SplittableRandom(1003);
    for (int i = 0; i < 3_000; i++) {
      List<Model.DatanetRef> refs = new ArrayList<>();
      for (int k = rnd.nextInt(1, 6); k > 0; k--) {
        refs.add(
            new Model.DatanetRef(
                rnd.nextLong(1, Long.MAX_VALUE), rnd.nextInt(1, Integer.MAX_VALUE)));
      }
      Model m =
          new Model(
              rnd.nextLong(1, Long.MAX_VALUE),
              address(rnd),
              address(rnd),
              "model-" + rnd.nextInt() + (rnd.nextBoolean() ? "é" : ""),
              hash(rnd),
              hash(rnd),
              Amount.of(new BigInteger(rnd.nextInt(257), new Random(rnd.nextLong()))),
              Amount.of(new BigInteger(rnd.nextInt(257), new Random(rnd.nextLong()))),
              rnd.nextLong(Long.MAX_VALUE),
              refs);
      assertThat(Model.decode(m.id(), m.encode())).as("case %d", i).isEqualTo(m);
    }
  }

  @Test
  void aModelIsPaidWhenEitherPriceIsAboveZero() {
    assertThat(Model.isPaid(Amount.ZERO, Amount.ZERO)).isFalse();
    assertThat(Model.isPaid(Amount.of(1), Amount.ZERO)).isTrue();
    assertThat(Model.isPaid(Amount.ZERO, Amount.of(1))).isTrue();
  }

  private static Address address(SplittableRandom rnd) {
    byte[] b = new byte[20];
    rnd.nextBytes(b);
    return Address.wrap(b);
  }

  private static Hash hash(SplittableRandom rnd) {
    byte[] b = new byte[32];
    rnd.nextBytes(b);
    return Hash.wrap(b);
  }
}
