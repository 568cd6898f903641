package io.openledger.attribution.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A read-only array of unsigned integers of {@code width} bits each (1..57), packed LSB first in a
 * memory segment: value {@code i} occupies bits {@code [i*width, (i+1)*width)}, bit {@code b} being
 * bit {@code b % 8} of byte {@code b / 8}. The section holds 8 bytes of padding after the last
 * value so every value is read with one unaligned 8-byte load.
 */
final class PackedInts {
  static final ValueLayout.OfLong LE_LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final MemorySegment segment;
  private final int width;
  private final long mask;
  private final long count;

  PackedInts(MemorySegment segment, int width, long count) {
    if (width < 1 || width > 57) {
      throw new IllegalArgumentException("width " + width);
    }
    if (segment.byteSize() < bytesFor(count, width)) {
      throw new IllegalArgumentException("segment too small");
    }
    this.segment = segment;
    this.width = width;
    this.mask = (1L << width) - 1;
    this.count = count;
  }

  /** Bytes a packed array of {@code count} values of {@code width} bits takes, padding included. */
  static long bytesFor(long count, int width) {
    return (count * width + 7) / 8 + 8;
  }

  /** Bits needed to write every value in {@code [0, max]}, at least 1. */
  static int widthFor(long max) {
    return Math.max(1, 64 - Long.numberOfLeadingZeros(max));
  }

  long get(long i) {
    long bit = i * width;
    return (segment.get(LE_LONG, bit >>> 3) >>> (bit & 7)) & mask;
  }

  int getInt(long i) {
    return (int) get(i);
  }

  long size() {
    return count;
  }

  int width() {
    return width;
  }
}
