package io.openledger.chain.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HashTest {
  @Test
  void theIncrementalHasherAgreesWithTheOneShotHashForAnySplitOfTheInput() {
    SplittableRandom random = new SplittableRandom(20261202);
    for (int i = 0; i < 2_000; i++) {
      byte[] input = new byte[random.nextInt(600)];
      random.nextBytes(input);
      Hash.Hasher h = Hash.hasher();
      int at = 0;
      while (at < input.length) {
        int n = Math.min(input.length - at, random.nextInt(1, 200));
        h.update(input, at, n);
        at += n;
      }
      assertThat(h.digest()).isEqualTo(Hash.keccak256(input));
    }
  }

  @Test
  void keccakOfTheEmptyStringIsTheKnownAnswer() {
    assertThat(Hash.hasher().digest().toHex())
        .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  }
}
