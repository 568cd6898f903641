package io.openledger.chain.trie;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tree's own keccak-256 agrees with BouncyCastle's and with published vectors. */
class Keccak256Test {
  @Test
  void publishedVectors() {
    assertThat(HexFormat.of().formatHex(Keccak256.hash(new byte[0])))
        .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assertThat(HexFormat.of().formatHex(Keccak256.hash("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  }

  /** Every length from 0 to 600 bytes: across the 136-byte block boundary several times. */
  @Test
  void agreesWithBouncyCastleOnEveryLength() {
    SplittableRandom r = new SplittableRandom(1);
    for (int len = 0; len <= 600; len++) {
      for (int rep = 0; rep < 3; rep++) {
        byte[] in = new byte[len];
        r.nextBytes(in);
        assertThat(Keccak256.hash(in)).as("length %d", len).isEqualTo(Hash.keccak256(in).toArray());
      }
    }
  }

  @Test
  void nodePreimagePathAgrees() {
    SplittableRandom r = new SplittableRandom(2);
    for (int c = 0; c < 2_000; c++) {
      byte[] in = new byte[65];
      r.nextBytes(in);
      assertThat(Keccak256.hash65(in)).as("case %d", c).isEqualTo(Hash.keccak256(in).toArray());
    }
  }
}
