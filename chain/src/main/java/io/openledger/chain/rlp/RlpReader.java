package io.openledger.chain.rlp;

import java.math.BigInteger;

/**
 * A strict, allocation-light RLP reader over one byte array. It accepts only canonical encodings,
 * because two encodings of the same value would give one transaction two hashes: no leading zeros
 * in integers, no single byte below 0x80 wrapped in a string header, no long-form length below 56,
 * no length prefix with leading zeros, no item running past its list or the input, no trailing
 * bytes.
 *
 * <p>Errors are {@link RlpException}s worded as go-ethereum's RLP errors. Where geth names the Go
 * type and struct field being decoded ({@code "rlp: non-canonical integer (leading zero bytes) for
 * uint64, decoding into (types.LegacyTx).Nonce"}) callers pass the same names: {@code goType} (such
 * as {@code "uint64"}) and {@code into} (such as {@code "(types.LegacyTx).Nonce"}, or empty).
 */
public final class RlpReader {
  private final byte[] buf;
  private final int end;
  private final boolean topLevel;
  private final String listType;
  private int pos;

  // The header of the item at pos, filled by header().
  private boolean itemIsList;
  private int itemStart;
  private int itemLength;

  private RlpReader(byte[] buf, int start, int end, boolean topLevel, String listType) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.topLevel = topLevel;
    this.listType = listType;
  }

  /** A reader over the whole array, which must hold exactly the items read from it. */
  public static RlpReader of(byte[] input) {
    return of(input, 0, input.length);
  }

  /** A reader over {@code input[offset, offset + length)}. */
  public static RlpReader of(byte[] input, int offset, int length) {
    return new RlpReader(input, offset, offset + length, true, "value");
  }

  /** Whether another item remains. */
  public boolean hasNext() {
    return pos < end;
  }

  /** Whether the next item is a list (false for a string); reads nothing. */
  public boolean nextIsList(String goType, String into) throws RlpException {
    header(goType, into);
    return itemIsList;
  }

  /**
   * Enters the next item, which must be a list, and returns a reader over its items. {@code
   * listType} names the list in "too few elements for ..." / "input list has too many elements for
   * ..." errors, as geth names the struct ({@code "types.LegacyTx"}).
   */
  public RlpReader readList(String listType, String into) throws RlpException {
    header(listType, into);
    if (!itemIsList) {
      throw error("expected input list", listType, into);
    }
    RlpReader inner = new RlpReader(buf, itemStart, itemStart + itemLength, false, listType);
    pos = itemStart + itemLength;
    return inner;
  }

  /** The next item, which must be a string, as a new array. */
  public byte[] readBytes(String goType, String into) throws RlpException {
    readString(goType, into);
    byte[] out = new byte[itemLength];
    System.arraycopy(buf, itemStart, out, 0, itemLength);
    return out;
  }

  /** The next item as a string of exactly {@code size} bytes (an address, a hash). */
  public byte[] readFixed(int size, String goType, String into) throws RlpException {
    readString(goType, into);
    if (itemLength != size) {
      throw error(
          itemLength < size ? "input string too short" : "input string too long", goType, into);
    }
    byte[] out = new byte[size];
    System.arraycopy(buf, itemStart, out, 0, size);
    return out;
  }

  /**
   * The next item as an unsigned 64-bit integer. Values of 2^63 and above come back negative (as
   * Java's unsigned long); callers that need a signed long check the sign.
   */
  public long readUint64(String into) throws RlpException {
    readInteger("uint64", into, 8);
    long v = 0;
    for (int i = 0; i < itemLength; i++) {
      v = (v << 8) | (buf[itemStart + i] & 0xff);
    }
    return v;
  }

  /** The next item as an unsigned integer of at most 256 bits. */
  public BigInteger readUint256(String into) throws RlpException {
    readInteger("*big.Int", into, 32);
    if (itemLength == 0) {
      return BigInteger.ZERO;
    }
    byte[] mag = new byte[itemLength];
    System.arraycopy(buf, itemStart, mag, 0, itemLength);
    return new BigInteger(1, mag);
  }

  /** Skips the next item, whatever it is, returning its full encoding (header included). */
  public byte[] readRaw(String goType, String into) throws RlpException {
    int start = pos;
    header(goType, into);
    int next = itemStart + itemLength;
    byte[] out = new byte[next - start];
    System.arraycopy(buf, start, out, 0, out.length);
    pos = next;
    return out;
  }

  /** Fails unless every item of this list has been read. */
  public void requireEnd() throws RlpException {
    if (pos != end) {
      throw topLevel
          ? new RlpException("rlp: input contains more than one value")
          : new RlpException("rlp: input list has too many elements for " + listType);
    }
  }

  private void readInteger(String goType, String into, int maxBytes) throws RlpException {
    readString(goType, into);
    if (itemLength > 0 && buf[itemStart] == 0) {
      throw error("non-canonical integer (leading zero bytes)", goType, into);
    }
    if (itemLength > maxBytes) {
      throw error("input string too long", goType, into);
    }
  }

  private void readString(String goType, String into) throws RlpException {
    header(goType, into);
    if (itemIsList) {
      throw error("expected input string or byte", goType, into);
    }
    pos = itemStart + itemLength;
  }

  /** Parses the header of the item at {@code pos} into itemIsList/itemStart/itemLength. */
  private void header(String goType, String into) throws RlpException {
    if (pos >= end) {
      throw topLevel
          ? new RlpException("rlp: unexpected end of input")
          : new RlpException("rlp: too few elements for " + listType);
    }
    int b = buf[pos] & 0xff;
    if (b < 0x80) {
      itemIsList = false;
      itemStart = pos;
      itemLength = 1;
      return;
    }
    itemIsList = b >= 0xc0;
    int base = itemIsList ? 0xc0 : 0x80;
    if (b - base <= 55) {
      itemStart = pos + 1;
      itemLength = b - base;
      checkFits(itemStart, itemLength);
      if (!itemIsList && itemLength == 1 && (buf[itemStart] & 0xff) < 0x80) {
        throw error("non-canonical size information", goType, into);
      }
      return;
    }
    int lengthOfLength = b - base - 55;
    checkFits(pos + 1, lengthOfLength);
    if (buf[pos + 1] == 0) {
      throw error("non-canonical size information", goType, into);
    }
    long length = 0;
    for (int i = 0; i < lengthOfLength; i++) {
      length = (length << 8) | (buf[pos + 1 + i] & 0xff);
      if (length > Integer.MAX_VALUE) {
        throw sizeError();
      }
    }
    if (length < 56) {
      throw error("non-canonical size information", goType, into);
    }
    itemStart = pos + 1 + lengthOfLength;
    itemLength = (int) length;
    checkFits(itemStart, itemLength);
  }

  private void checkFits(int start, int length) throws RlpException {
    if (length > end - start) {
      throw sizeError();
    }
  }

  private RlpException sizeError() {
    return topLevel
        ? new RlpException("rlp: value size exceeds available input length")
        : new RlpException("rlp: element is larger than containing list");
  }

  private static RlpException error(String problem, String goType, String into) {
    String message = "rlp: " + problem + " for " + goType;
    return new RlpException(into.isEmpty() ? message : message + ", decoding into " + into);
  }
}
