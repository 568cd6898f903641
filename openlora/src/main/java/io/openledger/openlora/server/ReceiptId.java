package io.openledger.openlora.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The id of one answered request: hex of SHA-256 over the request as the engine saw it (endpoint,
 * base, adapter, prompt token ids, sampling parameters with the seed used) and the output (token
 * ids and text). The same request answered with the same output has the same id, on any node, so it
 * can name the attribution record of that answer. Wall-clock fields ({@code created}) are left out
 * on purpose.
 */
public final class ReceiptId {
  private final MessageDigest sha256;

  public ReceiptId() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Adds a labelled field; labels keep "ab"+"c" and "a"+"bc" apart. */
  public ReceiptId add(String label, String value) {
    field(label);
    byte[] bytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
    length(bytes.length);
    sha256.update(bytes);
    return this;
  }

  public ReceiptId add(String label, long value) {
    return add(label, Long.toString(value));
  }

  public ReceiptId add(String label, int[] values) {
    field(label);
    length(values.length);
    for (int v : values) {
      length(v);
    }
    return this;
  }

  /** The id: 64 lowercase hex digits. */
  public String hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  private void field(String label) {
    byte[] b = label.getBytes(StandardCharsets.UTF_8);
    length(b.length);
    sha256.update(b);
  }

  private void length(int n) {
    sha256.update((byte) (n >>> 24));
    sha256.update((byte) (n >>> 16));
    sha256.update((byte) (n >>> 8));
    sha256.update((byte) n);
  }
}
