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
    byte[] v1 = good.clone();
    v1[0] = 1;
    assertThatThrownBy(() -> BatchFrame.decode(v1)).hasMessageContaining("version 1 is unknown");
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
}
