package io.openledger.chain.types;

import java.util.HexFormat;

/** Hex encoding as Ethereum's JSON-RPC writes it: lower case, {@code 0x} prefix. */
public final class Bytes {
  private static final HexFormat HEX = HexFormat.of();

  private Bytes() {}

  public static String toHex(byte[] bytes) {
    return "0x" + HEX.formatHex(bytes);
  }

  /**
   * Parses {@code 0x}-prefixed (or bare) hex with an even number of digits.
   *
   * @throws IllegalArgumentException with a message fit for a user when the text is not hex
   */
  public static byte[] fromHex(String hex) {
    if (hex == null) {
      throw new IllegalArgumentException("hex string is missing");
    }
    String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException(
          "hex string has an odd number of digits: " + abbreviate(hex));
    }
    try {
      return HEX.parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid hex string: " + abbreviate(hex));
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
