package io.openledger.attribution.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Buffered little-endian output to a range of a file channel starting at a given offset (positional
 * writes, so other outputs may write other ranges of the same file meanwhile), tracking the
 * position and a CRC-32C of the current section.
 */
final class SectionOutput {
  private final FileChannel channel;
  private final ByteBuffer buffer =
      ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private long position;
  private final BuildProgress progress;

  SectionOutput(FileChannel channel, long start, BuildProgress progress) {
    this.channel = channel;
    this.position = start;
    this.progress = progress;
  }

  long position() {
    return position;
  }

  void putLong(long v) throws IOException {
    if (buffer.remaining() < 8) {
      flush();
    }
    buffer.putLong(v);
    position += 8;
  }

  void putByte(byte b) throws IOException {
    if (!buffer.hasRemaining()) {
      flush();
    }
    buffer.put(b);
    position++;
  }

  void put(byte[] bytes) throws IOException {
    int off = 0;
    while (off < bytes.length) {
      if (!buffer.hasRemaining()) {
        flush();
      }
      int n = Math.min(buffer.remaining(), bytes.length - off);
      buffer.put(bytes, off, n);
      off += n;
      position += n;
    }
  }

  /** Pads with zeros to a multiple of {@code alignment} bytes. */
  void align(int alignment) throws IOException {
    while (position % alignment != 0) {
      putByte((byte) 0);
    }
  }

  /** Starts a new section: resets the checksum (after flushing what belongs to the previous). */
  void beginSection() throws IOException {
    flush();
    crc.reset();
  }

  /** Ends a section and returns its CRC-32C. */
  int endSection() throws IOException {
    flush();
    return (int) crc.getValue();
  }

  void flush() throws IOException {
    buffer.flip();
    crc.update(buffer.duplicate());
    // Positional writes: several outputs may fill disjoint ranges of one file at once.
    long at = position - buffer.remaining();
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
    buffer.clear();
    progress.progress(position);
  }
}
