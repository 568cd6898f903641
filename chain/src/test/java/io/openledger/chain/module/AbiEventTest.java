package io.openledger.chain.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AbiEventTest {
  static final AbiEvent PAID =
      new AbiEvent(
          "Paid",
          List.of(
              new AbiEvent.Parameter("model", AbiType.UINT64, true),
              new AbiEvent.Parameter("note", AbiType.STRING, false),
              new AbiEvent.Parameter("to", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false),
              new AbiEvent.Parameter("ok", AbiType.BOOL, true)));

  @Test
  void decodeIsTheInverseOfEncodeForRandomValues() {
    Random r = new Random(5);
    for (int i = 0; i < 500; i++) {
      byte[] a = new byte[20];
      r.nextBytes(a);
      List<Object> values =
          List.of(
              BigInteger.valueOf(r.nextLong() & Long.MAX_VALUE),
              "note " + r.nextInt(),
              Address.wrap(a),
              new BigInteger(r.nextInt(1, 257), r),
              r.nextBoolean());
      AbiEvent.Encoded log = PAID.encode(values.toArray());
      assertThat(log.topics()).hasSize(4);
      assertThat(PAID.decode(log.topics(), log.data())).isEqualTo(values);
    }
  }

  @Test
  void aLogOfAnotherEventOrShapeIsRefused() {
    AbiEvent.Encoded log =
        PAID.encode(BigInteger.ONE, "x", Address.wrap(new byte[20]), BigInteger.TEN, true);
    List<Hash> other = new ArrayList<>(log.topics());
    other.set(0, Hash.keccak256(new byte[] {1}));
    assertThatThrownBy(() -> PAID.decode(other, log.data()))
        .isInstanceOf(AbiDecodingException.class)
        .hasMessage("not a Paid(uint64,string,address,uint256,bool) log");
    assertThatThrownBy(() -> PAID.decode(log.topics().subList(0, 3), log.data()))
        .isInstanceOf(AbiDecodingException.class)
        .hasMessage("Paid(uint64,string,address,uint256,bool) has 4 topics, the log 3");
    assertThatThrownBy(() -> PAID.decode(log.topics(), new byte[5]))
        .isInstanceOf(AbiDecodingException.class);
  }
}
