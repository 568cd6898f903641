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
 * transactions, compressed, or one part of a block too large for one frame (docs/settlement.md,
 * "Batch frames").
 *
 * <pre>
 * frame   = version 0 (1 byte, 0x00) ‖ firstBlock (8 bytes, big-endian) ‖ lastBlock (8 bytes)
 *           ‖ zlib(payload)
 *         | version 1 (1 byte, 0x01) ‖ block (8 bytes) ‖ part (2 bytes) ‖ parts (2 bytes)
 *           ‖ bytes of zlib(payload of that one block)
 * payload = rlp([block, ...]),  block = [number, timestamp, [tx, ...]]
 * </pre>
 *
 * Each {@code tx} is the transaction's canonical encoding as a byte string (typed transactions as
 * {@code type ‖ rlp(...)}, deposits {@code 0x7e ‖ ...}), as in an Ethereum block body. The blocks
 * of a version-0 frame are {@code firstBlock..lastBlock}, in order, none missing. A block whose
 * version-0 frame would pass the frame limit is sent as {@code parts} (2 to {@link #MAX_PARTS})
 * version-1 frames: its compressed payload cut into consecutive pieces, part {@code 0..parts-1};
 * {@link #assemble} joins them ({@link FrameSequence} says which parts on L1 count).
 */
public record BatchFrame(List<Block> blocks) {
  /** A frame of whole blocks. */
  public static final byte VERSION_0 = 0x00;

  /** A frame holding one part of one block's compressed payload. */
  public static final byte VERSION_1 = 0x01;

  /** Bytes before a version-0 frame's compressed payload: version, first and last block. */
  public static final int HEADER_BYTES = 17;

  /** Bytes before a version-1 frame's piece of payload: version, block, part, parts. */
  public static final int PART_HEADER_BYTES = 13;

  /** The most parts a block may be cut into. */
  public static final int MAX_PARTS = 1_024;

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
    byte[] compressed = compressedPayload();
    return ByteBuffer.allocate(HEADER_BYTES + compressed.length)
        .put(VERSION_0)
        .putLong(firstBlock())
        .putLong(lastBlock())
        .put(compressed)
        .array();
  }

  private byte[] compressedPayload() {
    List<byte[]> items = new ArrayList<>(blocks.size());
    for (Block b : blocks) {
      items.add(b.rlp());
    }
    return deflate(Rlp.encodeList(items));
  }

  /**
   * Cuts this frame's compressed payload into version-1 frames of at most {@code maxFrameBytes}
   * bytes each: the parts of its one block.
   *
   * @throws IllegalArgumentException when the frame holds more than one block, fits in one
   *     version-0 frame, or would take more than {@link #MAX_PARTS} parts
   */
  public List<byte[]> encodeParts(int maxFrameBytes) {
    if (blocks.size() != 1) {
      throw new IllegalArgumentException(
          "only a single block is cut into parts, not blocks " + firstBlock() + ".." + lastBlock());
    }
    int piece = maxFrameBytes - PART_HEADER_BYTES;
    if (piece < 1) {
      throw new IllegalArgumentException(
          "a frame limit of " + maxFrameBytes + " bytes holds no part");
    }
    byte[] compressed = compressedPayload();
    if (HEADER_BYTES + compressed.length <= maxFrameBytes) {
      throw new IllegalArgumentException(
          "L2 block " + firstBlock() + " fits in one frame of " + maxFrameBytes + " bytes");
    }
    int parts = (compressed.length + piece - 1) / piece;
    if (parts > MAX_PARTS) {
      throw new IllegalArgumentException(
          "L2 block "
              + firstBlock()
              + " compresses to "
              + compressed.length
              + " bytes: more than "
              + MAX_PARTS
              + " parts of "
              + maxFrameBytes
              + " bytes");
    }
    List<byte[]> out = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      int from = i * piece;
      int to = Math.min(compressed.length, from + piece);
      out.add(
          ByteBuffer.allocate(PART_HEADER_BYTES + to - from)
              .put(VERSION_1)
              .putLong(firstBlock())
              .putShort((short) i)
              .putShort((short) parts)
              .put(compressed, from, to - from)
              .array());
    }
    return out;
  }

  /**
   * An encoded frame's header: the blocks it carries, and which part of them (version 0: part 0 of
   * 1; version 1: {@code firstBlock == lastBlock}, part {@code part} of {@code parts}).
   */
  public record Header(long firstBlock, long lastBlock, int part, int parts) {
    /** A version-0 frame's header. */
    public Header(long firstBlock, long lastBlock) {
      this(firstBlock, lastBlock, 0, 1);
    }

    /** Whether the frame carries whole blocks (version 0) rather than a part of one. */
    public boolean whole() {
      return parts == 1;
    }

    @Override
    public String toString() {
      return whole()
          ? "L2 blocks " + firstBlock + ".." + lastBlock
          : "part " + part + " of " + parts + " of L2 block " + firstBlock;
    }
  }

  /**
   * Reads a frame's header.
   *
   * @throws IllegalArgumentException naming what is wrong: too short, unknown version, last before
   *     first, a part outside its count, a count out of range
   */
  public static Header header(byte[] frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.length >= 1 && frame[0] == VERSION_1) {
      return partHeader(frame);
    }
    if (frame.length < HEADER_BYTES) {
      throw new IllegalArgumentException(
          "batch frame of " + frame.length + " bytes is shorter than its 17-byte header");
    }
    if (frame[0] != VERSION_0) {
      throw new IllegalArgumentException(
          "batch frame version " + (frame[0] & 0xff) + " is unknown (only 0 and 1)");
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

  private static Header partHeader(byte[] frame) {
    if (frame.length <= PART_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "batch frame part of " + frame.length + " bytes holds nothing after its 13-byte header");
    }
    ByteBuffer b = ByteBuffer.wrap(frame, 1, 12);
    long block = b.getLong();
    int part = Short.toUnsignedInt(b.getShort());
    int parts = Short.toUnsignedInt(b.getShort());
    if (block < 0) {
      throw new IllegalArgumentException("batch frame part of L2 block " + block + ": negative");
    }
    if (parts < 2 || parts > MAX_PARTS) {
      throw new IllegalArgumentException(
          "batch frame part count "
              + parts
              + " of L2 block "
              + block
              + " is out of range (2 to "
              + MAX_PARTS
              + ")");
    }
    if (part >= parts) {
      throw new IllegalArgumentException(
          "batch frame part " + part + " of L2 block " + block + " is past its count " + parts);
    }
    return new Header(block, block, part, parts);
  }

  /**
   * Joins the parts of one block, {@code 0..parts-1} in order, and decodes the block.
   *
   * @throws IllegalArgumentException naming what is wrong (a part missing, out of order or of
   *     another block or count, the joined payload's compression or RLP, a block other than the
   *     parts' own)
   */
  public static BatchFrame assemble(List<byte[]> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no parts to join");
    }
    Header first = header(parts.getFirst());
    if (first.whole()) {
      throw new IllegalArgumentException("a version-0 frame is no part: " + first);
    }
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int i = 0; i < parts.size(); i++) {
      Header h = header(parts.get(i));
      if (h.whole()
          || h.firstBlock() != first.firstBlock()
          || h.parts() != first.parts()
          || h.part() != i) {
        throw new IllegalArgumentException(
            "part " + i + " of L2 block " + first.firstBlock() + " expected, found " + h);
      }
      joined.write(parts.get(i), PART_HEADER_BYTES, parts.get(i).length - PART_HEADER_BYTES);
      if (joined.size() > MAX_PAYLOAD_BYTES) {
        throw new IllegalArgumentException(
            "the parts of L2 block "
                + first.firstBlock()
                + " pass "
                + MAX_PAYLOAD_BYTES
                + " bytes");
      }
    }
    if (parts.size() != first.parts()) {
      throw new IllegalArgumentException(
          "L2 block "
              + first.firstBlock()
              + " has "
              + parts.size()
              + " of its "
              + first.parts()
              + " parts");
    }
    byte[] compressed = joined.toByteArray();
    return decodePayload(compressed, 0, compressed.length, first);
  }

  /**
   * Decodes a frame.
   *
   * @throws IllegalArgumentException naming what is wrong (header, compression, RLP, blocks not the
   *     header's range)
   */
  public static BatchFrame decode(byte[] frame) {
    Header h = header(frame);
    if (!h.whole()) {
      throw new IllegalArgumentException(
          "batch frame holds " + h + ": join all its parts (BatchFrame.assemble)");
    }
    return decodePayload(frame, HEADER_BYTES, frame.length - HEADER_BYTES, h);
  }

  private static BatchFrame decodePayload(byte[] input, int offset, int length, Header h) {
    byte[] payload = inflate(input, offset, length);
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
