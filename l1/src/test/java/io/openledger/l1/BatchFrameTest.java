package io.openledger.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The batch frame format of docs/settlement.md: round trips and every refusal named. */
class BatchFrameTest {

  private static BatchFrame randomFrame(SplittableRandom r) {
    long first = r.nextLong(0, 1_000_000);
    int count = r.nextInt(1, 12);
    List<BatchFrame.Block> blocks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<byte[]> txs = new ArrayList<>();
      int n = r.nextInt(0, 6);
      for (int t = 0; t < n; t++) {
        byte[] tx = new byte[r.nextInt(1, 300)];
        r.nextBytes(tx);
        txs.add(tx);
      }
      blocks.add(new BatchFrame.Block(first + i, 1_700_000_000L + 2L * i, txs));
    }
    return new BatchFrame(blocks);
  }

  private static List<String> hex(BatchFrame f) {
    List<String> out = new ArrayList<>();
    for (BatchFrame.Block b : f.blocks()) {
      out.add(b.number() + "@" + b.timestamp());
      b.transactions().forEach(t -> out.add(HexFormat.of().formatHex(t)));
      out.add("|");
    }
    return out;
  }

  @Test
  void framesRoundTrip() {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 2_000; i++) {
      BatchFrame f = randomFrame(r);
      byte[] bytes = f.encode();
      assertThat(bytes[0]).isEqualTo(BatchFrame.VERSION_0);
      assertThat(BatchFrame.header(bytes))
          .isEqualTo(new BatchFrame.Header(f.firstBlock(), f.lastBlock()));
      assertThat(hex(BatchFrame.decode(bytes))).isEqualTo(hex(f));
    }
  }

  @Test
  void theHeaderIsVersionFirstAndLastBlockBigEndian() {
    BatchFrame f =
        new BatchFrame(
            List.of(
                new BatchFrame.Block(7, 100, List.of(new byte[] {1, 2, 3})),
                new BatchFrame.Block(8, 102, List.of())));
    byte[] bytes = f.encode();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    assertThat(b.get()).isEqualTo((byte) 0);
    assertThat(b.getLong()).isEqualTo(7);
    assertThat(b.getLong()).isEqualTo(8);
    assertThat(bytes[17]).as("zlib header").isEqualTo((byte) 0x78);
  }

  @Test
  void malformedFramesAreRefusedWithTheirReason() {
    byte[] good = randomFrame(new SplittableRandom(3)).encode();
    assertThatThrownBy(() -> BatchFrame.decode(Arrays.copyOf(good, 10)))
        .hasMessageContaining("shorter than its 17-byte header");
    byte[] v2 = good.clone();
    v2[0] = 2;
    assertThatThrownBy(() -> BatchFrame.decode(v2)).hasMessageContaining("version 2 is unknown");
    assertThatThrownBy(() -> BatchFrame.decode(Arrays.copyOf(good, good.length - 3)))
        .hasMessageContaining("truncated zlib stream");
    assertThatThrownBy(() -> BatchFrame.decode(Arrays.copyOf(good, good.length + 2)))
        .hasMessageContaining("bytes after the zlib stream");
    byte[] wrongRange = good.clone();
    ByteBuffer.wrap(wrongRange).putLong(9, ByteBuffer.wrap(good).getLong(9) + 1);
    assertThatThrownBy(() -> BatchFrame.decode(wrongRange))
        .hasMessageContaining("batch frame header says blocks");
    byte[] garbage = good.clone();
    for (int i = 20; i < garbage.length; i++) {
      garbage[i] ^= 0x5a;
    }
    assertThatThrownBy(() -> BatchFrame.decode(garbage)).hasMessageContaining("batch frame");
    assertThatThrownBy(
            () ->
                new BatchFrame(
                    List.of(
                        new BatchFrame.Block(1, 0, List.of()),
                        new BatchFrame.Block(3, 0, List.of()))))
        .hasMessageContaining("consecutive: 1 then 3");
  }

  @Test
  void aZipBombIsRefused() {
    // 20 MB of zeros in one transaction compresses to ~20 KB
    BatchFrame bomb =
        new BatchFrame(List.of(new BatchFrame.Block(1, 0, List.of(new byte[20_000_000]))));
    assertThatThrownBy(() -> BatchFrame.decode(bomb.encode()))
        .hasMessageContaining("inflates past");
  }

  /** A block of {@code n} random transactions of 100–200 bytes (barely compressible). */
  private static BatchFrame bigBlock(SplittableRandom r, long number, int n) {
    List<byte[]> txs = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      byte[] tx = new byte[r.nextInt(100, 200)];
      r.nextBytes(tx);
      txs.add(tx);
    }
    return new BatchFrame(List.of(new BatchFrame.Block(number, 1_700_000_000L + number, txs)));
  }

  @Test
  void aBlockLargerThanAFrameRoundTripsInParts() {
    SplittableRandom r = new SplittableRandom(19);
    for (int i = 0; i < 300; i++) {
      BatchFrame f = bigBlock(r, r.nextLong(0, 1_000_000), r.nextInt(10, 80));
      int limit = r.nextInt(1_000, 4_000);
      if (f.encode().length <= limit) {
        assertThatThrownBy(() -> f.encodeParts(limit)).hasMessageContaining("fits in one frame");
        continue;
      }
      List<byte[]> parts = f.encodeParts(limit);
      assertThat(parts).hasSizeGreaterThan(1);
      for (int k = 0; k < parts.size(); k++) {
        byte[] part = parts.get(k);
        assertThat(part.length).isLessThanOrEqualTo(limit);
        assertThat(BatchFrame.header(part))
            .isEqualTo(new BatchFrame.Header(f.firstBlock(), f.firstBlock(), k, parts.size()));
        assertThatThrownBy(() -> BatchFrame.decode(part))
            .hasMessageContaining("join all its parts");
      }
      assertThat(hex(BatchFrame.assemble(parts))).isEqualTo(hex(f));
    }
  }

  @Test
  void thePartHeaderIsVersionBlockPartAndCountBigEndian() {
    List<byte[]> parts = bigBlock(new SplittableRandom(5), 7, 40).encodeParts(1_000);
    ByteBuffer b = ByteBuffer.wrap(parts.get(1));
    assertThat(b.get()).isEqualTo(BatchFrame.VERSION_1);
    assertThat(b.getLong()).isEqualTo(7);
    assertThat(b.getShort()).isEqualTo((short) 1);
    assertThat(b.getShort()).isEqualTo((short) parts.size());
    assertThat(parts.get(0)[BatchFrame.PART_HEADER_BYTES]).as("zlib header").isEqualTo((byte) 0x78);
    assertThat(parts.stream().mapToInt(p -> p.length - BatchFrame.PART_HEADER_BYTES).sum())
        .as("the pieces are the compressed payload of a version-0 frame")
        .isEqualTo(
            bigBlock(new SplittableRandom(5), 7, 40).encode().length - BatchFrame.HEADER_BYTES);
  }

  @Test
  void malformedPartsAreRefusedWithTheirReason() {
    SplittableRandom r = new SplittableRandom(23);
    List<byte[]> parts = bigBlock(r, 9, 60).encodeParts(1_500);
    assertThat(parts).hasSizeGreaterThan(2);
    assertThatThrownBy(() -> BatchFrame.header(Arrays.copyOf(parts.get(0), 13)))
        .hasMessageContaining("holds nothing after its 13-byte header");
    byte[] one = parts.get(0).clone();
    ByteBuffer.wrap(one).putShort(11, (short) 1);
    assertThatThrownBy(() -> BatchFrame.header(one)).hasMessageContaining("part count 1");
    byte[] many = parts.get(0).clone();
    ByteBuffer.wrap(many).putShort(11, (short) (BatchFrame.MAX_PARTS + 1));
    assertThatThrownBy(() -> BatchFrame.header(many)).hasMessageContaining("out of range");
    byte[] past = parts.get(0).clone();
    ByteBuffer.wrap(past).putShort(9, (short) parts.size());
    assertThatThrownBy(() -> BatchFrame.header(past)).hasMessageContaining("past its count");

    List<byte[]> missing = new ArrayList<>(parts);
    missing.removeLast();
    assertThatThrownBy(() -> BatchFrame.assemble(missing))
        .hasMessageContaining("has " + (parts.size() - 1) + " of its " + parts.size() + " parts");
    List<byte[]> swapped = new ArrayList<>(parts);
    swapped.set(1, parts.get(2));
    swapped.set(2, parts.get(1));
    assertThatThrownBy(() -> BatchFrame.assemble(swapped))
        .hasMessageContaining("part 1 of L2 block 9 expected, found part 2");
    List<byte[]> mixed = new ArrayList<>(parts);
    mixed.set(1, bigBlock(r, 10, 60).encodeParts(1_500).get(1));
    assertThatThrownBy(() -> BatchFrame.assemble(mixed))
        .hasMessageContaining("expected, found part 1 of");
    List<byte[]> corrupt = new ArrayList<>(parts);
    byte[] c = parts.get(1).clone();
    for (int i = 20; i < c.length; i++) {
      c[i] ^= 0x5a;
    }
    corrupt.set(1, c);
    assertThatThrownBy(() -> BatchFrame.assemble(corrupt)).hasMessageContaining("batch frame");
    BatchFrame other = bigBlock(r, 11, 60);
    List<byte[]> relabelled = new ArrayList<>();
    for (byte[] p : other.encodeParts(1_500)) {
      byte[] q = p.clone();
      ByteBuffer.wrap(q).putLong(1, 12);
      relabelled.add(q);
    }
    assertThatThrownBy(() -> BatchFrame.assemble(relabelled))
        .hasMessageContaining("header says blocks 12..12 but holds 11..11");
    assertThatThrownBy(() -> BatchFrame.assemble(List.of(good(r))))
        .hasMessageContaining("is no part");
    assertThatThrownBy(
            () ->
                new BatchFrame(
                        List.of(
                            new BatchFrame.Block(1, 0, List.of()),
                            new BatchFrame.Block(2, 0, List.of())))
                    .encodeParts(1_000))
        .hasMessageContaining("only a single block");
  }

  private static byte[] good(SplittableRandom r) {
    return randomFrame(r).encode();
  }

  @Test
  void partsOfAZipBombAreRefused() {
    BatchFrame bomb =
        new BatchFrame(List.of(new BatchFrame.Block(1, 0, List.of(new byte[20_000_000]))));
    assertThatThrownBy(() -> BatchFrame.assemble(bomb.encodeParts(5_000)))
        .hasMessageContaining("inflates past");
  }
}
