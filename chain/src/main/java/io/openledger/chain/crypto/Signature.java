package io.openledger.chain.crypto;

import java.math.BigInteger;

/**
 * A secp256k1 ECDSA signature: {@code r}, {@code s} and the recovery id (0 or 1: the parity of the
 * y coordinate of the point R), which lets the signer's public key be recovered from the signature
 * and the message hash. Transactions carry the recovery id as {@code v} (legacy: 27/28 or {@code
 * chainId * 2 + 35/36}; typed: the y parity itself).
 *
 * <p>Construction accepts any values so that a decoder can hold what it read; {@link
 * #isValidForTransaction()} is the check every transaction must pass.
 */
public record Signature(BigInteger r, BigInteger s, int recId) {
  /** The order of the secp256k1 group. */
  public static final BigInteger N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

  /** N / 2: the largest {@code s} a transaction may carry (EIP-2, "low s"). */
  public static final BigInteger HALF_N = N.shiftRight(1);

  public Signature {
    if (r.signum() < 0 || s.signum() < 0) {
      throw new IllegalArgumentException("signature values are unsigned");
    }
  }

  /** Whether r and s lie in [1, N) and the recovery id is 0 or 1. */
  public boolean hasValidRange() {
    return r.signum() > 0
        && r.compareTo(N) < 0
        && s.signum() > 0
        && s.compareTo(N) < 0
        && (recId == 0 || recId == 1);
  }

  /** Whether {@code s <= N/2}, the canonical one of the two valid signatures (EIP-2). */
  public boolean isLowS() {
    return s.compareTo(HALF_N) <= 0;
  }

  /** The check for transactions: valid range and low s, as Ethereum since Homestead. */
  public boolean isValidForTransaction() {
    return hasValidRange() && isLowS();
  }

  /** {@code r || s}, 32 bytes each, big-endian: the compact form libsecp256k1 takes. */
  public byte[] toCompact() {
    byte[] out = new byte[64];
    copyRight(r, out, 0);
    copyRight(s, out, 32);
    return out;
  }

  /** Parses {@code r || s} (64 bytes) with the given recovery id. */
  public static Signature fromCompact(byte[] compact, int recId) {
    if (compact.length != 64) {
      throw new IllegalArgumentException("compact signature must be 64 bytes");
    }
    byte[] r = new byte[32];
    byte[] s = new byte[32];
    System.arraycopy(compact, 0, r, 0, 32);
    System.arraycopy(compact, 32, s, 0, 32);
    return new Signature(new BigInteger(1, r), new BigInteger(1, s), recId);
  }

  private static void copyRight(BigInteger v, byte[] out, int offset) {
    byte[] raw = v.toByteArray();
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, offset + 32 - n, n);
  }
}
