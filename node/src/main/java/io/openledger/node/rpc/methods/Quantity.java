package io.openledger.node.rpc.methods;

import io.openledger.chain.types.Amount;
import java.math.BigInteger;

/** JSON-RPC quantities: {@code 0x} + lower-case hex without leading zeros ({@code 0x0}). */
public final class Quantity {
  private Quantity() {}

  public static String of(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("negative quantity " + v);
    }
    return "0x" + Long.toHexString(v);
  }

  public static String of(BigInteger v) {
    return "0x" + v.toString(16);
  }

  public static String of(Amount v) {
    return v.toHexQuantity();
  }
}
