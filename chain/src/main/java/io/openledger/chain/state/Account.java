package io.openledger.chain.state;

import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;

/**
 * An account's state: balance (base units, 10^18 per OPEN) and nonce (transactions sent).
 *
 * <p>Stored in the state tree under {@link StateKeys#account} as 41 bytes: {@code 0x01} (encoding
 * version) ++ nonce (8 bytes, big-endian, unsigned) ++ balance (32 bytes, big-endian). An account
 * with zero balance and zero nonce is {@link #EMPTY} and is not stored at all (its key proves
 * absent), as in EIP-161.
 */
public record Account(Amount balance, long nonce) {
  public static final Account EMPTY = new Account(Amount.ZERO, 0);
  public static final int ENCODED_SIZE = 41;
  private static final byte VERSION = 0x01;

  public Account {
    if (nonce < 0) {
      throw new IllegalArgumentException("nonce must not be negative: " + nonce);
    }
  }

  public boolean isEmpty() {
    return nonce == 0 && balance.isZero();
  }

  public Account withBalance(Amount newBalance) {
    return new Account(newBalance, nonce);
  }

  public Account withNonce(long newNonce) {
    return new Account(balance, newNonce);
  }

  /** The 41-byte tree value described above. */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(ENCODED_SIZE);
    b.put(VERSION).putLong(nonce).put(balance.toBytes32());
    return b.array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not an encoded account
   */
  public static Account decode(byte[] encoded) {
    if (encoded.length != ENCODED_SIZE || encoded[0] != VERSION) {
      throw new IllegalArgumentException(
          "not an encoded account (" + encoded.length + " bytes, want " + ENCODED_SIZE + ")");
    }
    ByteBuffer b = ByteBuffer.wrap(encoded);
    b.get();
    long nonce = b.getLong();
    byte[] balance = new byte[32];
    b.get(balance);
    return new Account(Amount.fromBytes(balance), nonce);
  }
}
