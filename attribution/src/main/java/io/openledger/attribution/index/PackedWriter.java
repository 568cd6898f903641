package io.openledger.attribution.index;

import java.io.IOException;

/** Writes values of a fixed bit width in the layout {@link PackedInts} reads. */
final class PackedWriter {
  private final SectionOutput out;
  private final int width;
  private final long limit;
  private long acc;
  private int accBits;
  private long written;

  PackedWriter(SectionOutput out, int width) {
    if (width < 1 || width > 57) {
      throw new IllegalArgumentException("width " + width);
    }
    this.out = out;
    this.width = width;
    this.limit = 1L << width;
  }

  void put(long v) throws IOException {
    if (v < 0 || v >= limit) {
      throw new IllegalArgumentException("value " + v + " does not fit in " + width + " bits");
    }
    acc |= v << accBits;
    accBits += width;
    if (accBits >= 64) {
      out.putLong(acc);
      accBits -= 64;
      acc = accBits == 0 ? 0 : v >>> (width - accBits);
    }
    written++;
  }

  /** Writes the last partial word and the 8 bytes of padding. */
  void finish() throws IOException {
    int bytes = (accBits + 7) / 8;
    for (int i = 0; i < bytes; i++) {
      out.putByte((byte) (acc >>> (8 * i)));
    }
    out.putLong(0);
    acc = 0;
    accBits = 0;
  }

  long written() {
    return written;
  }
}
