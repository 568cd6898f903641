package io.openledger.chain.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Secp256k1Test {
  private static final NativeSecp256k1 NATIVE = NativeSecp256k1.load().orElseThrow();
  private static final BouncyCastleSecp256k1 JAVA = BouncyCastleSecp256k1.INSTANCE;

  @Test
  void nativeLibraryLoadsAndIsTheDefault() {
    assertThat(Secp256k1.get().name()).isEqualTo("libsecp256k1");
  }

  @Test
  void knownKeysHaveTheirKnownAddresses() {
    // private key 1: the generator point G; its address is widely published.
    byte[] one = new byte[32];
    one[31] = 1;
    assertThat(KeyPair.fromPrivateKey(one).address())
        .isEqualTo(Address.fromHex("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"));
    // EIP-155's example key 0x4646..46
    assertThat(KeyPair.fromPrivateKeyHex("0x" + "46".repeat(32)).address())
        .isEqualTo(Address.fromHex("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"));
  }

  @Test
  void keccakKnownAnswers() {
    assertThat(Hash.keccak256(new byte[0]))
        .isEqualTo(
            Hash.fromHex("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"));
    assertThat(Hash.keccak256("abc".getBytes()))
        .isEqualTo(
            Hash.fromHex("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"));
    // 200 bytes of 0xa3 (longer than one 136-byte keccak-256 block)
    byte[] a3 = new byte[200];
    java.util.Arrays.fill(a3, (byte) 0xa3);
    assertThat(Hash.keccak256(a3))
        .isEqualTo(
            Hash.fromHex("0x3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a"));
  }

  @Test
  void nativeAndBouncyCastleAgreeOnThousandsOfRandomKeysAndMessages() {
    SplittableRandom rnd = new SplittableRandom(20261122);
    for (int i = 0; i < 2_000; i++) {
      byte[] key = randomKey(rnd);
      Hash msg = Hash.wrap(randomBytes(rnd, 32));
      byte[] pub = NATIVE.publicKey(key);
      assertThat(JAVA.publicKey(key)).as("case %d public key", i).isEqualTo(pub);

      Signature ns = NATIVE.sign(msg, key);
      Signature js = JAVA.sign(msg, key);
      assertThat(ns).as("case %d signature (RFC 6979 in both)", i).isEqualTo(js);
      assertThat(ns.isValidForTransaction()).as("case %d low s", i).isTrue();

      Address expected = Secp256k1.addressOf(pub);
      assertThat(NATIVE.recoverAddress(msg, ns)).as("case %d native", i).contains(expected);
      assertThat(JAVA.recoverAddress(msg, ns)).as("case %d java", i).contains(expected);

      // a random (r, s, recId) recovers to the same key in both, or to none in both
      Signature junk =
          new Signature(
              new BigInteger(1, randomBytes(rnd, 32)).mod(Signature.N),
              new BigInteger(1, randomBytes(rnd, 32)).mod(Signature.N),
              rnd.nextInt(2));
      Optional<byte[]> a = NATIVE.recoverPublicKey(msg, junk);
      Optional<byte[]> b = JAVA.recoverPublicKey(msg, junk);
      assertThat(a.isPresent()).as("case %d junk presence", i).isEqualTo(b.isPresent());
      if (a.isPresent()) {
        assertThat(a.get()).as("case %d junk key", i).isEqualTo(b.get());
      }
    }
  }

  @Test
  void highSIsRecoverableButNotValidForTransactions() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      byte[] key = randomKey(rnd);
      Hash msg = Hash.wrap(randomBytes(rnd, 32));
      Signature low = NATIVE.sign(msg, key);
      // (r, n - s) with the other recovery id is the same signature, malleated
      Signature high = new Signature(low.r(), Signature.N.subtract(low.s()), 1 - low.recId());
      assertThat(high.isLowS()).isFalse();
      assertThat(high.isValidForTransaction()).isFalse();
      Address signer = Secp256k1.addressOf(NATIVE.publicKey(key));
      assertThat(NATIVE.recoverAddress(msg, high)).as("case %d", i).contains(signer);
      assertThat(JAVA.recoverAddress(msg, high)).as("case %d", i).contains(signer);
    }
  }

  @Test
  void outOfRangeValuesRecoverNothing() {
    Hash msg = Hash.keccak256("m".getBytes());
    for (Secp256k1 impl : new Secp256k1[] {NATIVE, JAVA}) {
      assertThat(impl.recoverAddress(msg, new Signature(BigInteger.ZERO, BigInteger.ONE, 0)))
          .isEmpty();
      assertThat(impl.recoverAddress(msg, new Signature(BigInteger.ONE, BigInteger.ZERO, 0)))
          .isEmpty();
      assertThat(impl.recoverAddress(msg, new Signature(Signature.N, BigInteger.ONE, 0))).isEmpty();
      assertThat(impl.recoverAddress(msg, new Signature(BigInteger.ONE, Signature.N, 1))).isEmpty();
      assertThat(impl.recoverAddress(msg, new Signature(BigInteger.ONE, BigInteger.ONE, 2)))
          .isEmpty();
    }
  }

  @Test
  void badPrivateKeysAreRefusedAndKeysStayOutOfToString() {
    assertThatThrownBy(() -> KeyPair.fromPrivateKey(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> KeyPair.fromPrivateKey(new byte[31])).hasMessageContaining("32 bytes");
    byte[] n = Signature.N.toByteArray();
    byte[] n32 = java.util.Arrays.copyOfRange(n, n.length - 32, n.length);
    assertThatThrownBy(() -> KeyPair.fromPrivateKey(n32)).hasMessageContaining("out of range");

    KeyPair k = KeyPair.fromPrivateKeyHex("0x" + "46".repeat(32));
    assertThat(k.toString()).doesNotContain("4646").contains(k.address().toHex());
    assertThat(KeyPair.fromPrivateKey(k.privateKey())).isEqualTo(k);
    assertThat(k.privateKeyHex()).isEqualTo("0x" + "46".repeat(32));
  }

  static byte[] randomKey(SplittableRandom rnd) {
    while (true) {
      byte[] k = randomBytes(rnd, 32);
      BigInteger d = new BigInteger(1, k);
      if (d.signum() > 0 && d.compareTo(Signature.N) < 0) {
        return k;
      }
    }
  }

  static byte[] randomBytes(SplittableRandom rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }
}
