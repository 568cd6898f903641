package io.openledger.chain.crypto;

import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.Optional;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;

/**
 * Pure-Java secp256k1 on BouncyCastle, through web3j's {@link Sign} (the code most Java Ethereum
 * wallets run). The reference the native implementation is tested against, and the fallback when
 * libsecp256k1 cannot load; about 180-280 µs per recovery on the reference machine.
 */
public final class BouncyCastleSecp256k1 implements Secp256k1 {
  public static final BouncyCastleSecp256k1 INSTANCE = new BouncyCastleSecp256k1();

  private BouncyCastleSecp256k1() {}

  @Override
  public String name() {
    return "bouncycastle";
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    return to64Bytes(Sign.publicKeyFromPrivate(checkPrivateKey(privateKey)));
  }

  @Override
  public Signature sign(Hash messageHash, byte[] privateKey) {
    ECKeyPair pair = ECKeyPair.create(checkPrivateKey(privateKey));
    // web3j signs with RFC 6979 and normalises to low s; v is 27 + recovery id.
    Sign.SignatureData sd = Sign.signMessage(messageHash.toArray(), pair, false);
    return new Signature(
        new BigInteger(1, sd.getR()), new BigInteger(1, sd.getS()), (sd.getV()[0] & 0xff) - 27);
  }

  @Override
  public Optional<byte[]> recoverPublicKey(Hash messageHash, Signature signature) {
    if (!signature.hasValidRange()) {
      return Optional.empty();
    }
    try {
      BigInteger key =
          Sign.recoverFromSignature(
              signature.recId(),
              new ECDSASignature(signature.r(), signature.s()),
              messageHash.toArray());
      return key == null ? Optional.empty() : Optional.of(to64Bytes(key));
    } catch (RuntimeException e) { // BouncyCastle rejects an x that is not on the curve
      return Optional.empty();
    }
  }

  static BigInteger checkPrivateKey(byte[] privateKey) {
    if (privateKey.length != 32) {
      throw new IllegalArgumentException("private key must be 32 bytes");
    }
    BigInteger d = new BigInteger(1, privateKey);
    if (d.signum() == 0 || d.compareTo(Signature.N) >= 0) {
      throw new IllegalArgumentException("private key out of range [1, n)");
    }
    return d;
  }

  private static byte[] to64Bytes(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[64];
    int n = Math.min(raw.length, 64);
    System.arraycopy(raw, raw.length - n, out, 64 - n, n);
    return out;
  }
}
