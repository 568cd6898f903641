package io.openledger.attribution.index;

import java.nio.charset.StandardCharsets;

/**
 * Layout of a shard file, format 1 (spec section "Index files"). All integers little-endian.
 *
 * <pre>
 * header (320 bytes)
 *   0   8  magic "OLATSHRD"
 *   8   4  format version (1)
 *   12  4  attribution version (1)
 *   16  8  positions n: tokens plus one separator after each contribution
 *   24  8  tokens (n minus contributions)
 *   32  4  contributions D
 *   36  4  vocabulary size V (token ids 1..V; 0 is the separator)
 *   40  4  section count (8)
 *   44  4  reserved (0)
 *   48  8 x 32 bytes, one per section: offset u64, byte length u64, element count u64,
 *          CRC-32C u32, element width in bits u8, 3 reserved bytes
 *   304 4  CRC-32C of bytes 0..303
 *   308 12 reserved (0)
 * sections, each starting at a multiple of 64 bytes, in this order:
 *   VOCAB_OFFSETS  packed, V+1 values: byte offset of token id i+1 in VOCAB_BYTES; last = total
 *   VOCAB_BYTES    UTF-8 of the tokens in id order; ids follow code point order of the tokens
 *   BUCKETS        packed, V+2 values: C[t] = number of positions whose token is smaller than t
 *   TOKENS         packed, n values: the token id at each position
 *   SUFFIXES       packed, n values: the suffix array
 *   DOC_STARTS     packed, D+1 values: first position of contribution d; last = n
 *   DOC_ID_OFFSETS packed, D+1 values: byte offset of contribution d's id in DOC_ID_BYTES
 *   DOC_ID_BYTES   UTF-8 of the contribution ids in corpus order
 * </pre>
 */
final class ShardFormat {
  static final byte[] MAGIC = "OLATSHRD".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT_VERSION = 1;
  static final int HEADER_BYTES = 320;
  static final int SECTION_TABLE = 48;
  static final int SECTION_ENTRY = 32;
  static final int HEADER_CRC_AT = 304;
  static final int ALIGN = 64;

  /** Sections in file order; the ordinal is the index in the section table. */
  enum Section {
    VOCAB_OFFSETS,
    VOCAB_BYTES,
    BUCKETS,
    TOKENS,
    SUFFIXES,
    DOC_STARTS,
    DOC_ID_OFFSETS,
    DOC_ID_BYTES
  }

  static final int SECTION_COUNT = Section.values().length;

  /** Largest number of positions in one shard: suffix array entries are built as Java ints. */
  static final long MAX_POSITIONS = Integer.MAX_VALUE - 16;

  /**
   * Most positions of one part of a version ({@link ShardWriter#writeParts}): a larger version is
   * indexed as several shard files, sorted side by side on as many cores.
   */
  static final long PART_POSITIONS = 1L << 25;

  /** One row of the section table. Width 8 means plain bytes. */
  record SectionEntry(long offset, long length, long count, int crc, int width) {}

  private ShardFormat() {}
}
