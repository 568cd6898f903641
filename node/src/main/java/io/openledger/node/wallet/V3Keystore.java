package io.openledger.node.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Ethereum's V3 keystore ("Web3 Secret Storage"): a private key encrypted with AES-128-CTR under a
 * key derived from a password by scrypt or PBKDF2-HMAC-SHA256, with a keccak-256 MAC. Files are
 * interchangeable with geth, web3j, ethers and MetaMask.
 */
public final class V3Keystore {
  private static final HexFormat HEX = HexFormat.of();

  private V3Keystore() {}

  /** scrypt cost. {@code STANDARD} is geth's default (about 256 MiB and a second or so). */
  public enum Strength {
    /** N = 2^18, r = 8, p = 1: geth's {@code StandardScryptN}. */
    STANDARD(262_144),
    /** N = 2^12, r = 8, p = 6: geth's {@code LightScryptN} (for tests and slow machines). */
    LIGHT(4_096);

    final int n;

    Strength(int n) {
      this.n = n;
    }

    int p() {
      return this == LIGHT ? 6 : 1;
    }
  }

  /** A wrong password or a damaged file; the message says which. */
  public static final class KeystoreException extends Exception {
    public KeystoreException(String message) {
      super(message);
    }
  }

  /** Encrypts a key with scrypt; the result is the file's JSON. */
  public static ObjectNode encrypt(KeyPair key, String password, Strength strength) {
    SecureRandom random = new SecureRandom();
    byte[] salt = new byte[32];
    byte[] iv = new byte[16];
    random.nextBytes(salt);
    random.nextBytes(iv);
    int r = 8;
    byte[] derived = SCrypt.generate(utf8(password), salt, strength.n, r, strength.p(), 32);
    byte[] ciphertext = aesCtr(derived, iv, key.privateKey());

    ObjectNode file = Json.MAPPER.createObjectNode();
    file.put("address", key.address().toHex().substring(2));
    ObjectNode crypto = file.putObject("crypto");
    crypto.put("cipher", "aes-128-ctr");
    crypto.put("ciphertext", HEX.formatHex(ciphertext));
    crypto.putObject("cipherparams").put("iv", HEX.formatHex(iv));
    crypto.put("kdf", "scrypt");
    ObjectNode kdf = crypto.putObject("kdfparams");
    kdf.put("dklen", 32);
    kdf.put("n", strength.n);
    kdf.put("p", strength.p());
    kdf.put("r", r);
    kdf.put("salt", HEX.formatHex(salt));
    crypto.put("mac", HEX.formatHex(mac(derived, ciphertext)));
    file.put("id", UUID.randomUUID().toString());
    file.put("version", 3);
    return file;
  }

  /** Decrypts a V3 file (scrypt or pbkdf2 KDF) with the password. */
  public static KeyPair decrypt(JsonNode file, String password) throws KeystoreException {
    JsonNode crypto = file.has("crypto") ? file.get("crypto") : file.get("Crypto");
    if (crypto == null || file.path("version").asInt() != 3) {
      throw new KeystoreException("not a version 3 keystore file");
    }
    if (!"aes-128-ctr".equals(crypto.path("cipher").asText())) {
      throw new KeystoreException("unsupported cipher " + crypto.path("cipher").asText());
    }
    byte[] ciphertext = hex(crypto, "ciphertext");
    byte[] iv = hex(crypto.path("cipherparams"), "iv");
    byte[] derived = deriveKey(crypto, password);
    byte[] expectedMac = hex(crypto, "mac");
    if (!MessageDigest.isEqual(mac(derived, ciphertext), expectedMac)) {
      throw new KeystoreException("wrong password (the keystore's MAC does not match)");
    }
    byte[] privateKey = aesCtr(derived, iv, ciphertext);
    KeyPair key;
    try {
      key = KeyPair.fromPrivateKey(privateKey);
    } catch (IllegalArgumentException e) {
      throw new KeystoreException("keystore holds an invalid private key");
    }
    String address = file.path("address").asText("");
    if (!address.isEmpty()
        && !key.address().toHex().substring(2).equals(address.toLowerCase(Locale.ROOT))) {
      throw new KeystoreException(
          "keystore's address 0x" + address + " does not match its key " + key.address());
    }
    return key;
  }

  private static byte[] deriveKey(JsonNode crypto, String password) throws KeystoreException {
    JsonNode p = crypto.path("kdfparams");
    int dklen = p.path("dklen").asInt();
    if (dklen < 32) {
      throw new KeystoreException("kdf dklen must be at least 32");
    }
    byte[] salt = hex(p, "salt");
    return switch (crypto.path("kdf").asText()) {
      case "scrypt" -> {
        int n = p.path("n").asInt();
        int r = p.path("r").asInt();
        int par = p.path("p").asInt();
        if (n < 2 || Integer.bitCount(n) != 1 || r < 1 || par < 1 || (long) n * r > 1L << 24) {
          throw new KeystoreException("unsupported scrypt parameters n=" + n + " r=" + r);
        }
        try {
          yield SCrypt.generate(utf8(password), salt, n, r, par, dklen);
        } catch (IllegalArgumentException e) {
          throw new KeystoreException("unsupported scrypt parameters: " + e.getMessage());
        }
      }
      case "pbkdf2" -> {
        if (!"hmac-sha256".equals(p.path("prf").asText())) {
          throw new KeystoreException("unsupported pbkdf2 prf " + p.path("prf").asText());
        }
        int c = p.path("c").asInt();
        if (c < 1 || c > 100_000_000) {
          throw new KeystoreException("unsupported pbkdf2 iteration count " + c);
        }
        PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(new SHA256Digest());
        gen.init(utf8(password), salt, c);
        yield ((KeyParameter) gen.generateDerivedParameters(dklen * 8)).getKey();
      }
      default -> throw new KeystoreException("unsupported kdf " + crypto.path("kdf").asText());
    };
  }

  // mac = keccak256(derivedKey[16..32] || ciphertext)
  private static byte[] mac(byte[] derived, byte[] ciphertext) {
    byte[] macBody = new byte[16];
    System.arraycopy(derived, 16, macBody, 0, 16);
    return Hash.keccak256(macBody, ciphertext).toArray();
  }

  // AES-128-CTR with the first 16 bytes of the derived key; CTR is its own inverse.
  private static byte[] aesCtr(byte[] derived, byte[] iv, byte[] input) {
    try {
      Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(derived, 0, 16, "AES"), new IvParameterSpec(iv));
      return c.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-128-CTR unavailable", e);
    }
  }

  private static byte[] hex(JsonNode parent, String field) throws KeystoreException {
    String s = parent.path(field).asText("");
    try {
      return HEX.parseHex(s.startsWith("0x") ? s.substring(2) : s);
    } catch (IllegalArgumentException e) {
      throw new KeystoreException("keystore field " + field + " is not hex");
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
