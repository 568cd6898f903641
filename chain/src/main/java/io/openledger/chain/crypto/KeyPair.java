package io.openledger.chain.crypto;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A secp256k1 key pair: the 32-byte private key, the 64-byte public key ({@code x || y}) and the
 * Ethereum address (last 20 bytes of keccak256 of the public key). {@link #toString()} never shows
 * the private key.
 */
public final class KeyPair {
  private final byte[] privateKey;
  private final byte[] publicKey;
  private final Address address;

  private KeyPair(byte[] privateKey) {
    this.privateKey = privateKey.clone();
    this.publicKey = Secp256k1.get().publicKey(this.privateKey);
    this.address = Secp256k1.addressOf(publicKey);
  }

  /**
   * The pair of a raw 32-byte private key.
   *
   * @throws IllegalArgumentException if it is not 32 bytes or not in [1, n)
   */
  public static KeyPair fromPrivateKey(byte[] privateKey) {
    return new KeyPair(privateKey);
  }

  /** The pair of a hex private key ({@code 0x} optional, 64 digits). */
  public static KeyPair fromPrivateKeyHex(String hex) {
    return new KeyPair(Bytes.fromHex(hex));
  }

  /** A fresh key from the given source of randomness. */
  public static KeyPair random(SecureRandom random) {
    byte[] k = new byte[32];
    while (true) {
      random.nextBytes(k);
      try {
        return new KeyPair(k);
      } catch (IllegalArgumentException outOfRange) { // probability about 2^-128
      }
    }
  }

  /** A copy of the raw private key, 32 bytes big-endian. */
  public byte[] privateKey() {
    return privateKey.clone();
  }

  /** The private key as {@code 0x} + 64 hex digits (for dev accounts and keystores). */
  public String privateKeyHex() {
    return Bytes.toHex(privateKey);
  }

  /** A copy of the public key, {@code x || y}, 64 bytes. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  public Address address() {
    return address;
  }

  /** Signs a 32-byte hash (deterministic, low s). */
  public Signature sign(Hash messageHash) {
    return Secp256k1.get().sign(messageHash, privateKey, publicKey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyPair k && Arrays.equals(privateKey, k.privateKey);
  }

  @Override
  public int hashCode() {
    return address.hashCode();
  }

  @Override
  public String toString() {
    return "KeyPair[" + address + "]";
  }
}
