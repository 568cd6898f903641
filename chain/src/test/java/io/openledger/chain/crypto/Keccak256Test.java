package io.openledger.chain.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.junit.jupiter.api.Test;

/** The tree's one keccak-256 agrees with published vectors and with BouncyCastle's (the judge). */
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
        assertThat(Keccak256.hash(in)).as("length %d", len).isEqualTo(bouncyCastle(in));
      }
    }
  }

  @Test
  void nodePreimagePathAgrees() {
    SplittableRandom r = new SplittableRandom(2);
    for (int c = 0; c < 2_000; c++) {
      byte[] in = new byte[65];
      r.nextBytes(in);
      assertThat(Keccak256.hash65(in)).as("case %d", c).isEqualTo(bouncyCastle(in));
    }
  }

  /** Any split of the input into pieces gives the one-shot digest. */
  @Test
  void spongeInPiecesAgreesWithOneShot() {
    SplittableRandom r = new SplittableRandom(3);
    for (int c = 0; c < 2_000; c++) {
      byte[] in = new byte[r.nextInt(1_000)];
      r.nextBytes(in);
      Keccak256.Sponge sponge = Keccak256.sponge();
      for (int off = 0; off < in.length; ) {
        int n = Math.min(in.length - off, r.nextInt(300));
        sponge.update(in, off, n);
        off += n;
      }
      assertThat(sponge.digest()).as("case %d, %d bytes", c, in.length).isEqualTo(bouncyCastle(in));
    }
  }

  @Test
  void aSpongeGivesOneDigest() {
    Keccak256.Sponge sponge = Keccak256.sponge().update(new byte[3]);
    sponge.digest();
    org.assertj.core.api.Assertions.assertThatThrownBy(sponge::digest)
        .isInstanceOf(IllegalStateException.class);
  }

  private static byte[] bouncyCastle(byte[] in) {
    KeccakDigest d = new KeccakDigest(256);
    d.update(in, 0, in.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }
}
