package io.openledger.chain.types;

import java.util.Arrays;

/** A 20-byte Ethereum account address. Immutable; compares by value. */
public final class Address implements Comparable<Address> {
  public static final int SIZE = 20;
  public static final Address ZERO = new Address(new byte[SIZE]);

  private final byte[] bytes;

  private Address(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Address wrap(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("address must be 20 bytes, got " + bytes.length);
    }
    return new Address(bytes.clone());
  }

  /** Parses {@code 0x} + 40 hex digits (any case; the EIP-55 checksum is not enforced). */
  public static Address fromHex(String hex) {
    byte[] b = Bytes.fromHex(hex);
    if (b.length != SIZE) {
      throw new IllegalArgumentException(
          "invalid address (want 20 bytes): " + Bytes.abbreviate(hex));
    }
    return new Address(b);
  }

  /** The address whose last two bytes are {@code n}: reserved addresses of the system modules. */
  public static Address ofLowBytes(int n) {
    byte[] b = new byte[SIZE];
    b[18] = (byte) (n >>> 8);
    b[19] = (byte) n;
    return new Address(b);
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  public String toHex() {
    return Bytes.toHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address a && Arrays.equals(bytes, a.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Address o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
