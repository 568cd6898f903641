package io.openledger.chain.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AmountTest {
  @Test
  void overflowAndUnderflowThrowInsteadOfWrapping() {
    Amount max = Amount.of(Amount.MAX_VALUE);
    assertThatThrownBy(() -> max.add(Amount.of(1))).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Amount.of(1).subtract(Amount.of(2)))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void parsesAndPrintsOpen() {
    assertThat(Amount.parseOpen("1.5").value()).isEqualTo(new BigInteger("1500000000000000000"));
    assertThat(Amount.open(1_000_000_000).toOpenString()).isEqualTo("1000000000");
    assertThat(Amount.of(1).toOpenString()).isEqualTo("0.000000000000000001");
    assertThatThrownBy(() -> Amount.parseOpen("0.0000000000000000001"))
        .hasMessageContaining("18 decimals");
    assertThatThrownBy(() -> Amount.parseOpen("-1")).hasMessageContaining("negative");
  }

  @Test
  void hexAndBytesRoundTripOverTheWholeRange() {
    SplittableRandom rnd = new SplittableRandom(20261122);
    for (int i = 0; i < 10_000; i++) {
      Amount a = Amount.of(new BigInteger(rnd.nextInt(257), new java.util.Random(rnd.nextLong())));
      assertThat(Amount.fromHexQuantity(a.toHexQuantity())).as("case %d", i).isEqualTo(a);
      assertThat(Amount.fromBytes(a.toBytes32())).as("case %d", i).isEqualTo(a);
    }
  }

  @Test
  void keccakMatchesKnownVector() {
    // keccak256("") from the Keccak team's reference vectors.
    assertThat(Hash.keccak256(new byte[0]).toHex())
        .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  }
}
