package io.openledger.chain.block;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.util.Arrays;
import java.util.List;

/**
 * Ethereum's 2048-bit logs bloom (Yellow Paper, section 4.3.1; go-ethereum {@code bloom9}): for
 * each log address and topic, three bits chosen by the low 11 bits of the first three big-endian
 * 16-bit pairs of its keccak256. Immutable; 256 bytes.
 */
public final class LogsBloom {
  public static final int BYTES = 256;
  public static final LogsBloom EMPTY = new LogsBloom(new byte[BYTES]);

  private final byte[] bits;

  private LogsBloom(byte[] bits) {
    this.bits = bits;
  }

  public static LogsBloom wrap(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("logs bloom must be 256 bytes, got " + bytes.length);
    }
    return new LogsBloom(bytes.clone());
  }

  /** The bloom of a list of logs (a receipt's). */
  public static LogsBloom of(List<Log> logs) {
    byte[] b = new byte[BYTES];
    for (Log log : logs) {
      set(b, log.address().toArray());
      for (Hash topic : log.topics()) {
        set(b, topic.toArray());
      }
    }
    return new LogsBloom(b);
  }

  /** This bloom with one more value (an address's or a topic's bytes) added. */
  public LogsBloom with(byte[] value) {
    byte[] b = bits.clone();
    set(b, value);
    return new LogsBloom(b);
  }

  /** Bitwise or: the bloom of a block is the union of its receipts' blooms. */
  public LogsBloom or(LogsBloom other) {
    byte[] b = bits.clone();
    for (int i = 0; i < BYTES; i++) {
      b[i] |= other.bits[i];
    }
    return new LogsBloom(b);
  }

  /** The union of several blooms. */
  public static LogsBloom union(List<LogsBloom> blooms) {
    byte[] b = new byte[BYTES];
    for (LogsBloom bloom : blooms) {
      for (int i = 0; i < BYTES; i++) {
        b[i] |= bloom.bits[i];
      }
    }
    return new LogsBloom(b);
  }

  /** False means certainly absent; true means possibly present. */
  public boolean mayContain(byte[] value) {
    byte[] h = Hash.keccak256(value).toArray();
    for (int i = 0; i < 6; i += 2) {
      int bit = ((h[i] & 0xff) << 8 | (h[i + 1] & 0xff)) & 2047;
      if ((bits[BYTES - 1 - bit / 8] & (1 << (bit % 8))) == 0) {
        return false;
      }
    }
    return true;
  }

  public boolean mayContain(Address address) {
    return mayContain(address.toArray());
  }

  public boolean mayContain(Hash topic) {
    return mayContain(topic.toArray());
  }

  private static void set(byte[] b, byte[] value) {
    byte[] h = Hash.keccak256(value).toArray();
    for (int i = 0; i < 6; i += 2) {
      int bit = ((h[i] & 0xff) << 8 | (h[i + 1] & 0xff)) & 2047;
      b[BYTES - 1 - bit / 8] |= (byte) (1 << (bit % 8));
    }
  }

  public byte[] toArray() {
    return bits.clone();
  }

  public String toHex() {
    return Bytes.toHex(bits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogsBloom l && Arrays.equals(bits, l.bits);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bits);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
