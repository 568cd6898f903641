package io.openledger.chain.crypto;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.Optional;

/**
 * secp256k1 signing and public-key recovery as Ethereum uses them. Two implementations agree bit
 * for bit (a test checks thousands of random keys and messages): {@link NativeSecp256k1}
 * (libsecp256k1 through JNI, about 4x faster) and {@link BouncyCastleSecp256k1} (pure Java, the
 * reference and the fallback when the native library cannot load). {@link #get()} picks the fastest
 * one available.
 *
 * <p>Signing is deterministic (RFC 6979) and always returns a low-s signature (EIP-2).
 */
public sealed interface Secp256k1 permits NativeSecp256k1, BouncyCastleSecp256k1 {

  /** The implementation to use: native when libsecp256k1 loads on this machine, else pure Java. */
  static Secp256k1 get() {
    return Secp256k1Holder.BEST;
  }

  /** A short name for logs and benchmarks: {@code "libsecp256k1"} or {@code "bouncycastle"}. */
  String name();

  /**
   * The uncompressed public key of a private key, without the 0x04 prefix: {@code x || y}, 64
   * bytes.
   *
   * @throws IllegalArgumentException if the key is not 32 bytes in [1, N)
   */
  byte[] publicKey(byte[] privateKey);

  /** Signs a 32-byte message hash; deterministic, low s. */
  Signature sign(Hash messageHash, byte[] privateKey);

  /**
   * Signs when the caller already holds the 64-byte public key of {@code privateKey} (a {@link
   * KeyPair}): saves the native implementation a key derivation.
   */
  default Signature sign(Hash messageHash, byte[] privateKey, byte[] publicKey64) {
    return sign(messageHash, privateKey);
  }

  /**
   * The 64-byte public key ({@code x || y}) that produced the signature over the hash, or empty
   * when none does (r not on the curve, values out of range). Accepts high s: the low-s rule is the
   * transaction validator's, not recovery's.
   */
  Optional<byte[]> recoverPublicKey(Hash messageHash, Signature signature);

  /** The address of the signer: the last 20 bytes of keccak256 of the 64-byte public key. */
  default Optional<Address> recoverAddress(Hash messageHash, Signature signature) {
    return recoverPublicKey(messageHash, signature).map(Secp256k1::addressOf);
  }

  /** The Ethereum address of a 64-byte public key {@code x || y}. */
  static Address addressOf(byte[] publicKey64) {
    if (publicKey64.length != 64) {
      throw new IllegalArgumentException("public key must be 64 bytes (x || y)");
    }
    byte[] h = Hash.keccak256(publicKey64).toArray();
    byte[] a = new byte[Address.SIZE];
    System.arraycopy(h, 12, a, 0, Address.SIZE);
    return Address.wrap(a);
  }
}
