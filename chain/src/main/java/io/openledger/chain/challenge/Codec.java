package io.openledger.chain.challenge;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;

/** Fixed-width fields of the challenge module's storage values, big-endian. */
final class Codec {
  private Codec() {}

  static ByteBuffer reader(byte[] value, int expectedLength, String what) {
    if (value.length != expectedLength) {
      throw new IllegalStateException(
          "corrupt challenge storage: " + what + " is " + value.length + " bytes");
    }
    return ByteBuffer.wrap(value);
  }

  static IllegalStateException corrupt() {
    return new IllegalStateException("corrupt challenge storage: unknown code");
  }

  static Amount amount(ByteBuffer b) {
    byte[] v = new byte[32];
    b.get(v);
    return Amount.fromBytes(v);
  }

  static Address address(ByteBuffer b) {
    byte[] v = new byte[Address.SIZE];
    b.get(v);
    return Address.wrap(v);
  }

  static Hash hash(ByteBuffer b) {
    byte[] v = new byte[Hash.SIZE];
    b.get(v);
    return Hash.wrap(v);
  }

  static byte[] u64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }
}
