package io.openledger.chain.crypto;

import io.openledger.chain.types.Hash;
import java.util.Arrays;
import java.util.Optional;

/**
 * secp256k1 through libsecp256k1 (Bitcoin Core's library) over JNI, from ACINQ's
 * secp256k1-kmp-jni-jvm, whose {@code -linux} artifact bundles the native library. About 4x faster
 * than BouncyCastle for the recovery every transaction needs.
 */
public final class NativeSecp256k1 implements Secp256k1 {
  private final fr.acinq.secp256k1.Secp256k1 lib;

  private NativeSecp256k1(fr.acinq.secp256k1.Secp256k1 lib) {
    this.lib = lib;
  }

  /** The native implementation, or empty when the library cannot load on this platform. */
  public static Optional<NativeSecp256k1> load() {
    try {
      fr.acinq.secp256k1.Secp256k1 lib = fr.acinq.secp256k1.Secp256k1.Companion.get();
      NativeSecp256k1 impl = new NativeSecp256k1(lib);
      impl.publicKey(onePrivateKey()); // fail here, not at the first transaction
      return Optional.of(impl);
    } catch (Throwable e) { // UnsatisfiedLinkError, ExceptionInInitializerError, ...
      return Optional.empty();
    }
  }

  @Override
  public String name() {
    return "libsecp256k1";
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    BouncyCastleSecp256k1.checkPrivateKey(privateKey);
    byte[] uncompressed = lib.pubkeyCreate(privateKey); // 0x04 || x || y
    return Arrays.copyOfRange(uncompressed, 1, 65);
  }

  @Override
  public Signature sign(Hash messageHash, byte[] privateKey) {
    return sign(messageHash, privateKey, publicKey(privateKey));
  }

  @Override
  public Signature sign(Hash messageHash, byte[] privateKey, byte[] publicKey64) {
    BouncyCastleSecp256k1.checkPrivateKey(privateKey);
    byte[] compact = lib.sign(messageHash.toArray(), privateKey); // RFC 6979, normalised to low s
    // The library's ECDSA signing does not return the recovery id: recover with id 0 and compare.
    // If that is not the signer, id 1 is (ids 2 and 3 need R.x >= n, probability about 2^-127),
    // checked once more so that a wrong public key can never yield a wrong signature.
    Signature zero = Signature.fromCompact(compact, 0);
    Optional<byte[]> key = recoverPublicKey(messageHash, zero);
    if (key.isPresent() && Arrays.equals(key.get(), publicKey64)) {
      return zero;
    }
    Signature one = Signature.fromCompact(compact, 1);
    if (!Arrays.equals(recoverPublicKey(messageHash, one).orElse(null), publicKey64)) {
      throw new IllegalArgumentException("the public key does not belong to the private key");
    }
    return one;
  }

  @Override
  public Optional<byte[]> recoverPublicKey(Hash messageHash, Signature signature) {
    if (!signature.hasValidRange()) {
      return Optional.empty();
    }
    try {
      byte[] uncompressed =
          lib.ecdsaRecover(signature.toCompact(), messageHash.toArray(), signature.recId());
      return Optional.of(Arrays.copyOfRange(uncompressed, 1, 65));
    } catch (RuntimeException e) { // Secp256k1Exception: no point with this x
      return Optional.empty();
    }
  }

  private static byte[] onePrivateKey() {
    byte[] k = new byte[32];
    k[31] = 1;
    return k;
  }
}
