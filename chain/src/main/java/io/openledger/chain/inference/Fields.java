package io.openledger.chain.inference;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;

/**
 * Fixed-width fields of the module's storage values, big-endian: amounts 32 bytes, addresses 20,
 * hashes 32, times and counters 8.
 */
final class Fields {
  static final int AMOUNT = 32;
  static final int LONG = 8;

  private Fields() {}

  static ByteBuffer reader(byte[] value, int expectedLength, String what) {
    if (value.length != expectedLength) {
      throw new IllegalStateException(
          "corrupt inference storage: "
              + what
              + " is "
              + value.length
              + " bytes, want "
              + expectedLength);
    }
    return ByteBuffer.wrap(value);
  }

  static Amount amount(ByteBuffer b) {
    byte[] v = new byte[AMOUNT];
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
}
