package io.openledger.chain.inference;

import io.openledger.chain.crypto.Secp256k1;
import io.openledger.chain.crypto.Signature;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.Arrays;
import java.util.Optional;

/**
 * Signatures as wallets hand them out ({@code eth_signTypedData_v4}, {@code personal_sign}): 65
 * bytes {@code r (32) ‖ s (32) ‖ v (1)} with {@code v} 27 or 28. Only the canonical form is
 * accepted: {@code r} and {@code s} in [1, n), {@code s ≤ n/2} (EIP-2), so one authorization has
 * one signature.
 */
public final class SignatureBytes {
  public static final int LENGTH = 65;

  private SignatureBytes() {}

  /** {@code r ‖ s ‖ (27 + recId)}. */
  public static byte[] encode(Signature s) {
    byte[] out = Arrays.copyOf(s.toCompact(), LENGTH);
    out[64] = (byte) (27 + s.recId());
    return out;
  }

  /**
   * Parses a canonical 65-byte signature.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Signature decode(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a signature is " + LENGTH + " bytes (r ‖ s ‖ v), got " + bytes.length);
    }
    int v = bytes[64] & 0xff;
    if (v != 27 && v != 28) {
      throw new IllegalArgumentException("signature v must be 27 or 28, got " + v);
    }
    Signature s = Signature.fromCompact(Arrays.copyOf(bytes, 64), v - 27);
    if (!s.hasValidRange()) {
      throw new IllegalArgumentException("signature r or s out of range");
    }
    if (!s.isLowS()) {
      throw new IllegalArgumentException("signature s is not canonical (above n/2)");
    }
    return s;
  }

  /**
   * The address that signed {@code digest}, if the bytes are a canonical signature that recovers to
   * a key.
   */
  public static Optional<Address> recover(Hash digest, byte[] bytes) {
    Signature s;
    try {
      s = decode(bytes);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Secp256k1.get().recoverAddress(digest, s);
  }
}
