package io.openledger.chain.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogsBloomTest {
  @Test
  void matchesGoEthereumsPublishedVector() {
    // go-ethereum core/types/bloom9_test.go, TestBloomExtensively
    LogsBloom b = LogsBloom.EMPTY;
    for (int i = 0; i < 100; i++) {
      b = b.with(("xxxxxxxxxx data " + i + " yyyyyyyyyyyyyy").getBytes());
    }
    assertThat(Hash.keccak256(b.toArray()))
        .isEqualTo(
            Hash.fromHex("0xc8d3ca65cdb4874300a9e39475508f23ed6da09fdbc487f89a2dcf50b09eb263"));
  }

  @Test
  void bitPositionsOfTheEmptyInput() {
    // keccak256("") = c5d2 4601 86f7 ...: bits 1490, 1537, 1783 -> bytes 69, 63, 33
    byte[] bits = LogsBloom.EMPTY.with(new byte[0]).toArray();
    byte[] expected = new byte[256];
    expected[69] = 4;
    expected[63] = 2;
    expected[33] = (byte) 128;
    assertThat(bits).isEqualTo(expected);
  }

  @Test
  void containsWhatWasAddedAndRejectsGethsNegatives() {
    LogsBloom b = LogsBloom.EMPTY;
    for (String s : new String[] {"testtest", "test", "hallo", "other"}) {
      b = b.with(s.getBytes());
    }
    for (String s : new String[] {"testtest", "test", "hallo", "other"}) {
      assertThat(b.mayContain(s.getBytes())).as(s).isTrue();
    }
    for (String s : new String[] {"tes", "lo"}) {
      assertThat(b.mayContain(s.getBytes())).as(s).isFalse();
    }
  }

  @Test
  void logsBloomCoversAddressesAndTopicsAndUnionIsOr() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 500; i++) {
      Address a = Address.wrap(bytes(rnd, 20));
      Hash t1 = Hash.wrap(bytes(rnd, 32));
      Hash t2 = Hash.wrap(bytes(rnd, 32));
      Log log = new Log(a, List.of(t1, t2), bytes(rnd, rnd.nextInt(64)));
      LogsBloom bloom = LogsBloom.of(List.of(log));
      assertThat(bloom.mayContain(a)).isTrue();
      assertThat(bloom.mayContain(t1)).isTrue();
      assertThat(bloom.mayContain(t2)).isTrue();
      LogsBloom other = LogsBloom.of(List.of(new Log(Address.ZERO, List.of(), new byte[0])));
      LogsBloom union = LogsBloom.union(List.of(bloom, other));
      assertThat(union).isEqualTo(bloom.or(other));
      assertThat(union.mayContain(a) && union.mayContain(Address.ZERO)).isTrue();
      assertThat(LogsBloom.wrap(union.toArray())).isEqualTo(union);
    }
  }

  private static byte[] bytes(SplittableRandom rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }
}
