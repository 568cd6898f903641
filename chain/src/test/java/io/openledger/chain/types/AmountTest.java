package io.openledger.chain.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Positive;
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

  @Property
  void hexQuantityRoundTrips(@ForAll @Positive long v) {
    Amount a = Amount.of(v);
    assertThat(Amount.fromHexQuantity(a.toHexQuantity())).isEqualTo(a);
    assertThat(Amount.fromBytes(a.toBytes32())).isEqualTo(a);
  }

  @Test
  void keccakMatchesKnownVector() {
    // keccak256("") from the Keccak team's reference vectors.
    assertThat(Hash.keccak256(new byte[0]).toHex())
        .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  }
}
