package io.openledger.chain.exec;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;

/**
 * EIP-55 mixed-case checksum encoding of addresses, as go-ethereum prints them in error messages
 * ({@code 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed}).
 */
public final class Eip55 {
  private Eip55() {}

  public static String format(Address address) {
    String hex = address.toHex().substring(2);
    byte[] hash = Hash.keccak256(hex.getBytes(StandardCharsets.US_ASCII)).toArray();
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      int nibble = (hash[i / 2] >>> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(Character.isLetter(c) && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }
}
