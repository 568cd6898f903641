package io.openledger.chain.inference;

import java.nio.ByteBuffer;

/**
 * What an operator's next batch must carry: its sequence number and its first record number (both
 * from 0).
 */
public record NextBatch(long seq, long firstRecord) {
  public static final NextBatch FIRST = new NextBatch(0, 0);
  static final int SIZE = 2 * Fields.LONG;

  /** {@code seq (8) ‖ firstRecord (8)}. */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE).putLong(seq).putLong(firstRecord).array();
  }

  static NextBatch decode(byte[] value) {
    ByteBuffer b = Fields.reader(value, SIZE, "next batch");
    return new NextBatch(b.getLong(), b.getLong());
  }
}
