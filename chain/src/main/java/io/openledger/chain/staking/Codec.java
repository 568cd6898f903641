package io.openledger.chain.staking;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;

/** Fixed-width fields of the staking module's storage values, big-endian. */
final class Codec {
  private Codec() {}

  static ByteBuffer reader(byte[] value, int expectedLength, String what) {
    if (value.length != expectedLength) {
      throw new IllegalStateException(
          "corrupt staking storage: "
              + what
              + " is "
              + value.length
              + " bytes, want "
              + expectedLength);
    }
    return ByteBuffer.wrap(value);
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
}
