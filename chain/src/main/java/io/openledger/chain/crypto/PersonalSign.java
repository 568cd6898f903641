package io.openledger.chain.crypto;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * EIP-191 version 0x45 signatures, what wallets produce for {@code personal_sign}: the signer signs
 * {@code keccak256("\x19Ethereum Signed Message:\n" + len(message) + message)}, with the length in
 * decimal. A blob upload signs the 32 raw bytes of the blob's hash, so the prefix is {@code
 * "\x19Ethereum Signed Message:\n32"}.
 *
 * <p>The signature is 65 bytes, {@code r || s || v} with {@code v} = 27 or 28, as wallets return
 * it; recovery also takes {@code v} = 0 or 1 (some hardware wallets).
 */
public final class PersonalSign {
  /** Bytes of a signature: r (32), s (32), v (1). */
  public static final int SIGNATURE_SIZE = 65;

  private static final byte[] PREFIX =
      "\u0019Ethereum Signed Message:\n".getBytes(StandardCharsets.US_ASCII);

  private PersonalSign() {}

  /** The hash the signer signs for {@code message}. */
  public static Hash messageHash(byte[] message) {
    byte[] length = Integer.toString(message.length).getBytes(StandardCharsets.US_ASCII);
    return Hash.keccak256(PREFIX, length, message);
  }

  /** Signs {@code message} (for a blob: its 32 hash bytes) as {@code personal_sign} does. */
  public static byte[] sign(KeyPair key, byte[] message) {
    Signature sig = key.sign(messageHash(message));
    byte[] out = new byte[SIGNATURE_SIZE];
    System.arraycopy(sig.toCompact(), 0, out, 0, 64);
    out[64] = (byte) (27 + sig.recId());
    return out;
  }

  /** What {@link #recover} found: the signer, or why there is none. */
  public sealed interface Recovery {
    record Signer(Address address) implements Recovery {}

    /** {@code reason} is for the user, unchanged. */
    record Invalid(String reason) implements Recovery {}
  }

  /** The address whose key produced {@code signature} (65 bytes) over {@code message}. */
  public static Recovery recover(byte[] message, byte[] signature) {
    if (signature.length != SIGNATURE_SIZE) {
      return new Recovery.Invalid(
          "signature must be " + SIGNATURE_SIZE + " bytes (r, s, v), got " + signature.length);
    }
    int v = signature[64] & 0xff;
    int recId = v >= 27 ? v - 27 : v;
    if (recId != 0 && recId != 1) {
      return new Recovery.Invalid("signature v must be 27 or 28 (or 0 or 1), got " + v);
    }
    byte[] compact = new byte[64];
    System.arraycopy(signature, 0, compact, 0, 64);
    Signature sig = Signature.fromCompact(compact, recId);
    if (!sig.hasValidRange()) {
      return new Recovery.Invalid("signature r or s is out of range");
    }
    Optional<Address> signer = Secp256k1.get().recoverAddress(messageHash(message), sig);
    return signer
        .<Recovery>map(Recovery.Signer::new)
        .orElseGet(() -> new Recovery.Invalid("no public key recovers from this signature"));
  }

  /**
   * {@link #recover(byte[], byte[])} from {@code 0x}-prefixed hex, as the upload header carries.
   */
  public static Recovery recover(byte[] message, String signatureHex) {
    byte[] signature;
    try {
      signature = Bytes.fromHex(signatureHex);
    } catch (IllegalArgumentException e) {
      return new Recovery.Invalid("signature: " + e.getMessage());
    }
    return recover(message, signature);
  }
}
