package io.openledger.chain.types;

import io.openledger.chain.crypto.Keccak256;
import java.util.Arrays;

/** A 32-byte hash (keccak-256 unless said otherwise). Immutable; compares by value. */
public final class Hash implements Comparable<Hash> {
  public static final int SIZE = 32;
  public static final Hash ZERO = new Hash(new byte[SIZE]);

  private final byte[] bytes;

  private Hash(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Hash wrap(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("hash must be 32 bytes, got " + bytes.length);
    }
    return new Hash(bytes.clone());
  }

  public static Hash fromHex(String hex) {
    byte[] b = Bytes.fromHex(hex);
    if (b.length != SIZE) {
      throw new IllegalArgumentException("invalid hash (want 32 bytes): " + Bytes.abbreviate(hex));
    }
    return new Hash(b);
  }

  /** keccak-256 of the input, as Ethereum uses it (not NIST SHA3-256). */
  public static Hash keccak256(byte[] input) {
    return new Hash(Keccak256.hash(input));
  }

  /** keccak-256 of the concatenation of the inputs. */
  public static Hash keccak256(byte[]... parts) {
    Keccak256.Sponge sponge = Keccak256.sponge();
    for (byte[] p : parts) {
      sponge.update(p);
    }
    return new Hash(sponge.digest());
  }

  /** An incremental keccak-256, for inputs too large to hold in memory (files, streams). */
  public static Hasher hasher() {
    return new Hasher();
  }

  /** Feeds bytes in pieces, then {@link #digest()}; not thread-safe, one use. */
  public static final class Hasher {
    private final Keccak256.Sponge sponge = Keccak256.sponge();

    private Hasher() {}

    public Hasher update(byte[] bytes, int offset, int length) {
      sponge.update(bytes, offset, length);
      return this;
    }

    /** The keccak-256 of everything fed so far; once. */
    public Hash digest() {
      return new Hash(sponge.digest());
    }
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  /** Bit {@code i} counted from the most significant bit of byte 0 (the SMT path order). */
  public boolean bit(int i) {
    return ((bytes[i >>> 3] >>> (7 - (i & 7))) & 1) == 1;
  }

  public String toHex() {
    return Bytes.toHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return (bytes[0] & 0xff) << 24
        | (bytes[1] & 0xff) << 16
        | (bytes[2] & 0xff) << 8
        | (bytes[3] & 0xff);
  }

  @Override
  public int compareTo(Hash o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
