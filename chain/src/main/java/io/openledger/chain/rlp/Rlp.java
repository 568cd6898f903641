package io.openledger.chain.rlp;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.List;

/**
 * Canonical RLP encoding (Ethereum Yellow Paper, appendix B). Each method returns the complete
 * encoding of one item; a list is built from the encodings of its items. The output is always
 * canonical: integers without leading zeros, single bytes below 0x80 as themselves, the shortest
 * length prefix. Decoding is {@link RlpReader}, which accepts only canonical input.
 */
public final class Rlp {
  /** The encoding of the empty byte string, which is also the encoding of integer zero. */
  public static final byte[] EMPTY_STRING = {(byte) 0x80};

  /** The encoding of the empty list. */
  public static final byte[] EMPTY_LIST = {(byte) 0xc0};

  private Rlp() {}

  /** A byte string. */
  public static byte[] encodeBytes(byte[] bytes) {
    if (bytes.length == 1 && (bytes[0] & 0xff) < 0x80) {
      return new byte[] {bytes[0]};
    }
    byte[] out = new byte[headerLength(bytes.length) + bytes.length];
    int at = writeHeader(out, 0, 0x80, bytes.length);
    System.arraycopy(bytes, 0, out, at, bytes.length);
    return out;
  }

  /** An unsigned integer, big-endian without leading zeros; zero is the empty string. */
  public static byte[] encodeLong(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("RLP integers are unsigned: " + value);
    }
    if (value == 0) {
      return EMPTY_STRING.clone();
    }
    if (value < 0x80) {
      return new byte[] {(byte) value};
    }
    int n = 8 - Long.numberOfLeadingZeros(value) / 8;
    byte[] out = new byte[1 + n];
    out[0] = (byte) (0x80 + n);
    for (int i = 0; i < n; i++) {
      out[n - i] = (byte) (value >>> (8 * i));
    }
    return out;
  }

  /** An unsigned big integer, big-endian without leading zeros. */
  public static byte[] encodeBigInteger(BigInteger value) {
    if (value.signum() < 0) {
      throw new IllegalArgumentException("RLP integers are unsigned: " + value);
    }
    return encodeBytes(unsignedBytes(value));
  }

  /** A list whose items are already encoded. */
  public static byte[] encodeList(byte[]... encodedItems) {
    int payload = 0;
    for (byte[] item : encodedItems) {
      payload += item.length;
    }
    byte[] out = new byte[headerLength(payload) + payload];
    int at = writeHeader(out, 0, 0xc0, payload);
    for (byte[] item : encodedItems) {
      System.arraycopy(item, 0, out, at, item.length);
      at += item.length;
    }
    return out;
  }

  /** A list whose items are already encoded. */
  public static byte[] encodeList(List<byte[]> encodedItems) {
    return encodeList(encodedItems.toArray(new byte[0][]));
  }

  /** The minimal big-endian bytes of a non-negative integer (empty for zero). */
  public static byte[] unsignedBytes(BigInteger value) {
    byte[] raw = value.toByteArray();
    if (raw[0] != 0) {
      return raw;
    }
    byte[] out = new byte[raw.length - 1];
    System.arraycopy(raw, 1, out, 0, out.length);
    return out;
  }

  /** Concatenation, for building a typed envelope ({@code type || rlp}). */
  public static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static int headerLength(int payloadLength) {
    if (payloadLength < 56) {
      return 1;
    }
    return 1 + 4 - Integer.numberOfLeadingZeros(payloadLength) / 8;
  }

  private static int writeHeader(byte[] out, int at, int base, int payloadLength) {
    if (payloadLength < 56) {
      out[at] = (byte) (base + payloadLength);
      return at + 1;
    }
    int n = 4 - Integer.numberOfLeadingZeros(payloadLength) / 8;
    out[at] = (byte) (base + 55 + n);
    for (int i = 0; i < n; i++) {
      out[at + n - i] = (byte) (payloadLength >>> (8 * i));
    }
    return at + 1 + n;
  }
}
