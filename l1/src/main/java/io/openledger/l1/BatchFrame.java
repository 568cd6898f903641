package io.openledger.l1;

import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * One batch the batcher posts to the BatchInbox as calldata: consecutive L2 blocks with their
 * transactions, compressed (docs/settlement.md, "Batch frames").
 *
 * <pre>
 * frame   = version (1 byte, 0x00) ‖ firstBlock (8 bytes, big-endian) ‖ lastBlock (8 bytes)
 *           ‖ zlib(payload)
 * payload = rlp([block, ...]),  block = [number, timestamp, [tx, ...]]
 * </pre>
 *
 * Each {@code tx} is the transaction's canonical encoding as a byte string (typed transactions as
 * {@code type ‖ rlp(...)}, deposits {@code 0x7e ‖ ...}), as in an Ethereum block body. The blocks
 * are {@code firstBlock..lastBlock}, in order, none missing.
 */
public record BatchFrame(List<Block> blocks) {
  /** The only frame version. */
  public static final byte VERSION_0 = 0x00;

  /** Bytes before the compressed payload: version, first and last block. */
  public static final int HEADER_BYTES = 17;

  /** A decoder refuses a payload that inflates past this (a zip bomb), bytes. */
  public static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

  /**
   * An L2 block as a batch carries it.
   *
   * @param timestamp seconds since the Unix epoch
   * @param transactions canonical encodings, in block order
   */
  public record Block(long number, long timestamp, List<byte[]> transactions) {
    public Block {
      transactions = List.copyOf(transactions);
      if (number < 0 || timestamp < 0) {
        throw new IllegalArgumentException(
            "block number and timestamp must not be negative: " + number + ", " + timestamp);
      }
    }

    byte[] rlp() {
      List<byte[]> txs = new ArrayList<>(transactions.size());
      for (byte[] tx : transactions) {
        txs.add(Rlp.encodeBytes(tx));
      }
      return Rlp.encodeList(Rlp.encodeLong(number), Rlp.encodeLong(timestamp), Rlp.encodeList(txs));
    }
  }

  public BatchFrame {
    blocks = List.copyOf(blocks);
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("a batch frame holds at least one block");
    }
    for (int i = 1; i < blocks.size(); i++) {
      if (blocks.get(i).number() != blocks.get(i - 1).number() + 1) {
        throw new IllegalArgumentException(
            "batch frame blocks must be consecutive: "
                + blocks.get(i - 1).number()
                + " then "
                + blocks.get(i).number());
      }
    }
  }

  public long firstBlock() {
    return blocks.getFirst().number();
  }

  public long lastBlock() {
    return blocks.getLast().number();
  }

  /** The frame's bytes: the header, then the payload compressed with zlib at level 9. */
  public byte[] encode() {
    List<byte[]> items = new ArrayList<>(blocks.size());
    for (Block b : blocks) {
      items.add(b.rlp());
    }
    byte[] compressed = deflate(Rlp.encodeList(items));
    return ByteBuffer.allocate(HEADER_BYTES + compressed.length)
        .put(VERSION_0)
        .putLong(firstBlock())
        .putLong(lastBlock())
        .put(compressed)
        .array();
  }

  /** The first and last block of an encoded frame, from its header alone. */
  public record Header(long firstBlock, long lastBlock) {}

  /**
   * Reads a frame's header.
   *
   * @throws IllegalArgumentException naming what is wrong: too short, unknown version, last before
   *     first
   */
  public static Header header(byte[] frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.length < HEADER_BYTES) {
      throw new IllegalArgumentException(
          "batch frame of " + frame.length + " bytes is shorter than its 17-byte header");
    }
    if (frame[0] != VERSION_0) {
      throw new IllegalArgumentException(
          "batch frame version " + (frame[0] & 0xff) + " is unknown (only 0)");
    }
    ByteBuffer b = ByteBuffer.wrap(frame, 1, 16);
    long first = b.getLong();
    long last = b.getLong();
    if (first < 0 || last < first) {
      throw new IllegalArgumentException(
          "batch frame blocks " + first + ".." + last + " are not a range");
    }
    return new Header(first, last);
  }

  /**
   * Decodes a frame.
   *
   * @throws IllegalArgumentException naming what is wrong (header, compression, RLP, blocks not the
   *     header's range)
   */
  public static BatchFrame decode(byte[] frame) {
    Header h = header(frame);
    byte[] payload = inflate(frame, HEADER_BYTES, frame.length - HEADER_BYTES);
    List<Block> blocks = new ArrayList<>();
    try {
      RlpReader list = RlpReader.of(payload).readList("[]block", "");
      while (list.hasNext()) {
        RlpReader b = list.readList("block", "");
        long number = b.readUint64("(block).Number");
        long timestamp = b.readUint64("(block).Timestamp");
        RlpReader txs = b.readList("[]tx", "(block).Transactions");
        List<byte[]> out = new ArrayList<>();
        while (txs.hasNext()) {
          out.add(txs.readBytes("[]byte", "(block).Transactions"));
        }
        b.requireEnd();
        blocks.add(new Block(number, timestamp, out));
      }
    } catch (RlpException e) {
      throw new IllegalArgumentException("batch frame payload: " + e.getMessage(), e);
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("batch frame holds no block");
    }
    BatchFrame f = new BatchFrame(blocks);
    if (f.firstBlock() != h.firstBlock() || f.lastBlock() != h.lastBlock()) {
      throw new IllegalArgumentException(
          "batch frame header says blocks "
              + h.firstBlock()
              + ".."
              + h.lastBlock()
              + " but holds "
              + f.firstBlock()
              + ".."
              + f.lastBlock());
    }
    return f;
  }

  private static byte[] deflate(byte[] input) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      d.setInput(input);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(input.length / 2 + 64);
      byte[] buf = new byte[8192];
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  private static byte[] inflate(byte[] input, int offset, int length) {
    Inflater i = new Inflater();
    try {
      i.setInput(input, offset, length);
      ByteArrayOutputStream out = new ByteArrayOutputStream(length * 4 + 64);
      byte[] buf = new byte[8192];
      while (!i.finished()) {
        int n = i.inflate(buf);
        if (n == 0 && (i.needsInput() || i.needsDictionary())) {
          throw new IllegalArgumentException("batch frame payload: truncated zlib stream");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_PAYLOAD_BYTES) {
          throw new IllegalArgumentException(
              "batch frame payload inflates past " + MAX_PAYLOAD_BYTES + " bytes");
        }
      }
      if (i.getRemaining() != 0) {
        throw new IllegalArgumentException(
            "batch frame: " + i.getRemaining() + " bytes after the zlib stream");
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("batch frame payload: bad zlib data: " + e.getMessage());
    } finally {
      i.end();
    }
  }
}
