package io.openledger.attribution.index;

import io.openledger.attribution.AttributionException.CorruptIndex;
import io.openledger.attribution.AttributionVersion;
import io.openledger.attribution.index.ShardFormat.Section;
import io.openledger.attribution.index.ShardFormat.SectionEntry;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * One memory-mapped shard file: the tokens of its contributions, their suffix array and the tables
 * to go from a position back to a contribution. Opening verifies the header and the CRC-32C of
 * every section, so a damaged file is refused before it can answer a query. Thread-safe for
 * reading; {@link #close()} unmaps.
 */
public final class Shard implements AutoCloseable {
  private static final ValueLayout.OfInt LE_INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong LE_LONG = PackedInts.LE_LONG;

  private final Path file;
  private final Arena arena;
  private final long positions;
  private final int contributions;
  private final int vocabulary;
  private final int headerCrc;
  private final PackedInts vocabOffsets;
  private final MemorySegment vocabBytes;
  private final PackedInts buckets;
  private final PackedInts tokens;
  private final PackedInts suffixes;
  private final PackedInts docStarts;
  private final PackedInts idOffsets;
  private final MemorySegment idBytes;

  private Shard(Path file, Arena arena, MemorySegment all) {
    this.file = file;
    this.arena = arena;
    long size = all.byteSize();
    if (size < ShardFormat.HEADER_BYTES) {
      throw corrupt("file is " + size + " bytes, shorter than a header");
    }
    byte[] magic = all.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE);
    if (!Arrays.equals(magic, ShardFormat.MAGIC)) {
      throw corrupt("not an attribution index shard (bad magic)");
    }
    int format = all.get(LE_INT, 8);
    if (format != ShardFormat.FORMAT_VERSION) {
      throw corrupt(
          "index format " + format + ", this build reads format " + ShardFormat.FORMAT_VERSION);
    }
    CRC32C crc = new CRC32C();
    crc.update(all.asSlice(0, ShardFormat.HEADER_CRC_AT).asByteBuffer());
    headerCrc = all.get(LE_INT, ShardFormat.HEADER_CRC_AT);
    if ((int) crc.getValue() != headerCrc) {
      throw corrupt("header checksum mismatch");
    }
    int version = all.get(LE_INT, 12);
    if (version != AttributionVersion.V1) {
      throw corrupt("attribution version " + version + " is not supported by this build");
    }
    positions = all.get(LE_LONG, 16);
    long tokenCount = all.get(LE_LONG, 24);
    contributions = all.get(LE_INT, 32);
    vocabulary = all.get(LE_INT, 36);
    int sections = all.get(LE_INT, 40);
    if (sections != ShardFormat.SECTION_COUNT
        || positions < 1
        || positions > ShardFormat.MAX_POSITIONS
        || contributions < 1
        || vocabulary < 0
        || tokenCount != positions - contributions) {
      throw corrupt("inconsistent header");
    }
    SectionEntry[] e = new SectionEntry[sections];
    long previousEnd = ShardFormat.HEADER_BYTES;
    for (int i = 0; i < sections; i++) {
      long at = ShardFormat.SECTION_TABLE + (long) i * ShardFormat.SECTION_ENTRY;
      e[i] =
          new SectionEntry(
              all.get(LE_LONG, at),
              all.get(LE_LONG, at + 8),
              all.get(LE_LONG, at + 16),
              all.get(LE_INT, at + 24),
              all.get(ValueLayout.JAVA_BYTE, at + 28));
      if (e[i].offset() < previousEnd
          || e[i].length() < 0
          || e[i].offset() + e[i].length() > size
          || e[i].offset() + e[i].length() < e[i].offset()) {
        throw corrupt("section " + Section.values()[i] + " lies outside the file (truncated?)");
      }
      previousEnd = e[i].offset() + e[i].length();
    }
    expectCount(e, Section.VOCAB_OFFSETS, vocabulary + 1L);
    expectCount(e, Section.BUCKETS, vocabulary + 2L);
    expectCount(e, Section.TOKENS, positions);
    expectCount(e, Section.SUFFIXES, positions);
    expectCount(e, Section.DOC_STARTS, contributions + 1L);
    expectCount(e, Section.DOC_ID_OFFSETS, contributions + 1L);
    for (int i = 0; i < sections; i++) {
      verifyChecksum(all, e[i], Section.values()[i]);
    }
    vocabOffsets = packed(all, e, Section.VOCAB_OFFSETS);
    vocabBytes = bytes(all, e, Section.VOCAB_BYTES);
    buckets = packed(all, e, Section.BUCKETS);
    tokens = packed(all, e, Section.TOKENS);
    suffixes = packed(all, e, Section.SUFFIXES);
    docStarts = packed(all, e, Section.DOC_STARTS);
    idOffsets = packed(all, e, Section.DOC_ID_OFFSETS);
    idBytes = bytes(all, e, Section.DOC_ID_BYTES);
    if (buckets.get(vocabulary + 1L) != positions
        || docStarts.get(0) != 0
        || docStarts.get(contributions) != positions
        || vocabOffsets.get(vocabulary) != vocabBytes.byteSize()
        || idOffsets.get(contributions) != idBytes.byteSize()) {
      throw corrupt("tables disagree with the header");
    }
  }

  /**
   * Maps and verifies a shard file.
   *
   * @throws CorruptIndex if the file is missing, truncated, of another format, or fails a checksum
   */
  public static Shard open(Path file) {
    Arena arena = Arena.ofShared();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      return new Shard(file, arena, all);
    } catch (NoSuchFileException e) {
      arena.close();
      throw new CorruptIndex("index shard " + file + " is missing", e);
    } catch (IOException e) {
      arena.close();
      throw new CorruptIndex("cannot read index shard " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  private CorruptIndex corrupt(String why) {
    return new CorruptIndex(
        "index shard " + file + " is damaged or not an index: " + why + "; rebuild the index");
  }

  private void expectCount(SectionEntry[] e, Section s, long count) {
    SectionEntry entry = e[s.ordinal()];
    if (entry.count() != count) {
      throw corrupt("section " + s + " has " + entry.count() + " entries, expected " + count);
    }
    if (entry.width() < 1 || entry.width() > 57) {
      throw corrupt("section " + s + " has width " + entry.width());
    }
    if (entry.length() != PackedInts.bytesFor(count, entry.width())) {
      throw corrupt("section " + s + " has the wrong length");
    }
  }

  private void verifyChecksum(MemorySegment all, SectionEntry e, Section s) {
    CRC32C crc = new CRC32C();
    long chunk = 1L << 30;
    for (long off = 0; off < e.length(); off += chunk) {
      long len = Math.min(chunk, e.length() - off);
      crc.update(all.asSlice(e.offset() + off, len).asByteBuffer());
    }
    if ((int) crc.getValue() != e.crc()) {
      throw corrupt("section " + s + " checksum mismatch");
    }
  }

  private static PackedInts packed(MemorySegment all, SectionEntry[] e, Section s) {
    SectionEntry x = e[s.ordinal()];
    return new PackedInts(all.asSlice(x.offset(), x.length()), x.width(), x.count());
  }

  private MemorySegment bytes(MemorySegment all, SectionEntry[] e, Section s) {
    SectionEntry x = e[s.ordinal()];
    if (x.width() != 8 || x.length() != x.count() + 8) {
      throw corrupt("section " + s + " has the wrong length");
    }
    return all.asSlice(x.offset(), x.count());
  }

  /** The file this shard was read from. */
  public Path file() {
    return file;
  }

  /** CRC-32C of the header: identifies the file's content, recorded in the manifest. */
  public int headerCrc() {
    return headerCrc;
  }

  /** Token positions, separators included. */
  public long positions() {
    return positions;
  }

  /** Tokens, separators excluded. */
  public long tokenCount() {
    return positions - contributions;
  }

  public int contributionCount() {
    return contributions;
  }

  /** Distinct tokens; ids run from 1 to this. */
  public int vocabularySize() {
    return vocabulary;
  }

  /** The id of {@code token} in this shard, or -1 when the shard does not contain it. */
  public int tokenId(String token) {
    byte[] key = token.getBytes(StandardCharsets.UTF_8);
    int lo = 1;
    int hi = vocabulary;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareToken(mid, key);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  // Compares token id's UTF-8 bytes with key, unsigned byte order (= code point order).
  private int compareToken(int id, byte[] key) {
    long start = vocabOffsets.get(id - 1L);
    long end = vocabOffsets.get(id);
    int len = (int) (end - start);
    int common = Math.min(len, key.length);
    for (int i = 0; i < common; i++) {
      int a = vocabBytes.get(ValueLayout.JAVA_BYTE, start + i) & 0xff;
      int b = key[i] & 0xff;
      if (a != b) {
        return a - b;
      }
    }
    return len - key.length;
  }

  /** The text of token {@code id} (1..V). */
  public String token(int id) {
    if (id < 1 || id > vocabulary) {
      throw new IndexOutOfBoundsException("token id " + id);
    }
    return utf8(vocabBytes, vocabOffsets.get(id - 1L), vocabOffsets.get(id));
  }

  /** Occurrences of token {@code id} in this shard. */
  public long count(int id) {
    return buckets.get(id + 1L) - buckets.get(id);
  }

  /** First suffix-array rank whose suffix starts with token {@code id} (or a larger one). */
  public long bucketStart(int id) {
    return buckets.get(id);
  }

  /** The token id at {@code position} (0 for a separator). */
  public int tokenAt(long position) {
    return tokens.getInt(position);
  }

  /** The position of the suffix of rank {@code rank}. */
  public long suffixAt(long rank) {
    return suffixes.get(rank);
  }

  /**
   * The longest prefix of {@code query[from, limit)} that occurs in this shard, found by narrowing
   * the suffix-array range one token at a time (two binary searches per token while more than one
   * suffix remains, then a direct comparison).
   *
   * @param query token ids of this shard; ids below 1 (absent tokens) never match
   * @param range receives the suffix-array ranks {@code [range[0], range[1])} of the suffixes that
   *     start with the returned prefix (empty when the length is 0)
   * @return the length of the longest matching prefix, in tokens
   */
  public int longestPrefix(int[] query, int from, int limit, long[] range) {
    range[0] = 0;
    range[1] = 0;
    if (from >= limit || query[from] < 1 || query[from] > vocabulary) {
      return 0;
    }
    long lo = buckets.get(query[from]);
    long hi = buckets.get(query[from] + 1L);
    if (lo == hi) {
      return 0;
    }
    int k = 1;
    while (from + k < limit) {
      int t = query[from + k];
      if (t < 1) {
        break;
      }
      if (hi - lo == 1) {
        long p = suffixes.get(lo);
        while (from + k < limit && query[from + k] > 0 && tokens.getInt(p + k) == query[from + k]) {
          k++;
        }
        break;
      }
      long a = lo;
      long b = hi;
      while (a < b) {
        long mid = (a + b) >>> 1;
        if (tokens.getInt(suffixes.get(mid) + k) < t) {
          a = mid + 1;
        } else {
          b = mid;
        }
      }
      if (a == hi || tokens.getInt(suffixes.get(a) + k) != t) {
        break;
      }
      long newLo = a;
      b = hi;
      while (a < b) {
        long mid = (a + b) >>> 1;
        if (tokens.getInt(suffixes.get(mid) + k) <= t) {
          a = mid + 1;
        } else {
          b = mid;
        }
      }
      lo = newLo;
      hi = a;
      k++;
    }
    range[0] = lo;
    range[1] = hi;
    return k;
  }

  /** The index (0..D-1) of the contribution containing {@code position}. */
  public int contributionAt(long position) {
    int lo = 0;
    int hi = contributions - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (docStarts.get(mid) <= position) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The first position of contribution {@code index}. */
  public long contributionStart(int index) {
    return docStarts.get(index);
  }

  /** The id of contribution {@code index}, as given when it was indexed. */
  public String contributionId(int index) {
    if (index < 0 || index >= contributions) {
      throw new IndexOutOfBoundsException("contribution " + index);
    }
    return utf8(idBytes, idOffsets.get(index), idOffsets.get(index + 1L));
  }

  private static String utf8(MemorySegment seg, long start, long end) {
    byte[] b = seg.asSlice(start, end - start).toArray(ValueLayout.JAVA_BYTE);
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    arena.close();
  }
}
