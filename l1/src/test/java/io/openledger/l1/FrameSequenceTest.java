package io.openledger.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The rule that gives L2 blocks from the inbox's frames in L1 order (docs/settlement.md). */
class FrameSequenceTest {
  private long l1Block;

  private PostedBatches.Posted posted(byte[] calldata) {
    l1Block++;
    return new PostedBatches.Posted(l1Block, Hash.keccak256(calldata, new byte[] {1}), calldata);
  }

  private static BatchFrame.Block block(SplittableRandom r, long number, int txs) {
    List<byte[]> out = new ArrayList<>();
    for (int t = 0; t < txs; t++) {
      byte[] tx = new byte[r.nextInt(100, 200)];
      r.nextBytes(tx);
      out.add(tx);
    }
    return new BatchFrame.Block(number, 1_700_000_000L + number, out);
  }

  private static String describe(BatchFrame.Block b) {
    StringBuilder s = new StringBuilder(b.number() + "@" + b.timestamp());
    b.transactions().forEach(t -> s.append(':').append(HexFormat.of().formatHex(t)));
    return s.toString();
  }

  /** Feeds the frames, collecting the blocks given; a gap fails. */
  private static List<String> derive(FrameSequence seq, List<PostedBatches.Posted> frames) {
    List<String> out = new ArrayList<>();
    for (PostedBatches.Posted p : frames) {
      FrameSequence.Step s = seq.accept(p);
      assertThat(s).isNotInstanceOf(FrameSequence.Gap.class);
      if (s instanceof FrameSequence.Complete c) {
        c.blocks().forEach(b -> out.add(describe(b)));
      }
    }
    return out;
  }

  @Test
  void partsInOrderCompleteTheirBlockInTheL1BlockOfTheLastPart() {
    SplittableRandom r = new SplittableRandom(1);
    BatchFrame.Block one = block(r, 1, 3);
    BatchFrame.Block two = block(r, 2, 50);
    FrameSequence seq = new FrameSequence(1);
    assertThat(seq.accept(posted(new BatchFrame(List.of(one)).encode())))
        .isInstanceOf(FrameSequence.Complete.class);
    List<byte[]> parts = new BatchFrame(List.of(two)).encodeParts(1_200);
    assertThat(parts).hasSizeGreaterThan(2);
    for (int k = 0; k < parts.size() - 1; k++) {
      assertThat(seq.accept(posted(parts.get(k)))).isInstanceOf(FrameSequence.Part.class);
      assertThat(seq.next()).isEqualTo(2);
      assertThat(seq.openParts()).hasSize(k + 1);
    }
    FrameSequence.Step last = seq.accept(posted(parts.getLast()));
    FrameSequence.Complete c = (FrameSequence.Complete) last;
    assertThat(c.frame().l1Block()).isEqualTo(l1Block);
    assertThat(c.frames()).hasSize(parts.size());
    assertThat(c.blocks()).extracting(FrameSequenceTest::describe).containsExactly(describe(two));
    assertThat(seq.next()).isEqualTo(3);
    assertThat(seq.openParts()).isEmpty();
  }

  @Test
  void aNewPartZeroSupersedesAnIncompleteSetAndStrayPartsAreIgnored() {
    SplittableRandom r = new SplittableRandom(2);
    BatchFrame.Block b = block(r, 1, 60);
    List<byte[]> small = new BatchFrame(List.of(b)).encodeParts(1_000);
    List<byte[]> large = new BatchFrame(List.of(b)).encodeParts(2_500);
    FrameSequence seq = new FrameSequence(1);
    seq.accept(posted(small.get(0)));
    seq.accept(posted(small.get(1)));
    // a new set from part 0 (another count): the old one is dropped
    assertThat(seq.accept(posted(large.get(0)))).isInstanceOf(FrameSequence.Part.class);
    FrameSequence.Step stray = seq.accept(posted(small.get(2)));
    assertThat(stray).isInstanceOf(FrameSequence.Stray.class);
    assertThat(((FrameSequence.Stray) stray).why()).contains("holds 1 of " + large.size());
    FrameSequence.Step skipped = seq.accept(posted(large.get(2)));
    assertThat(skipped).isInstanceOf(FrameSequence.Stray.class);
    List<String> got = new ArrayList<>();
    for (int k = 1; k < large.size(); k++) {
      if (seq.accept(posted(large.get(k))) instanceof FrameSequence.Complete c) {
        c.blocks().forEach(x -> got.add(describe(x)));
      }
    }
    assertThat(got).containsExactly(describe(b));
    // the rest of the old set, and the new set again, repeat a block already given
    assertThat(seq.accept(posted(small.get(3)))).isInstanceOf(FrameSequence.Repeat.class);
    assertThat(seq.accept(posted(large.get(0)))).isInstanceOf(FrameSequence.Repeat.class);
    assertThat(new FrameSequence(5).accept(posted(small.get(1))))
        .isInstanceOf(FrameSequence.Repeat.class);
  }

  @Test
  void aFrameAfterTheNextBlockIsAGapAndAWholeFrameClosesAnOpenSet() {
    SplittableRandom r = new SplittableRandom(3);
    FrameSequence seq = new FrameSequence(1);
    FrameSequence.Step gap = seq.accept(posted(new BatchFrame(List.of(block(r, 2, 1))).encode()));
    assertThat(gap).isInstanceOf(FrameSequence.Gap.class);
    assertThat(((FrameSequence.Gap) gap).expected()).isEqualTo(1);
    List<byte[]> parts = new BatchFrame(List.of(block(r, 3, 40))).encodeParts(1_000);
    assertThat(seq.accept(posted(parts.get(1)))).isInstanceOf(FrameSequence.Gap.class);
    assertThat(seq.next()).as("a gap changes nothing").isEqualTo(1);

    BatchFrame.Block big = block(r, 1, 40);
    seq.accept(posted(new BatchFrame(List.of(big)).encodeParts(1_000).get(0)));
    BatchFrame.Block small = new BatchFrame.Block(1, 5, List.of(new byte[] {1}));
    BatchFrame.Block next = new BatchFrame.Block(2, 6, List.of());
    FrameSequence.Step whole = seq.accept(posted(new BatchFrame(List.of(small, next)).encode()));
    assertThat(((FrameSequence.Complete) whole).blocks())
        .extracting(FrameSequenceTest::describe)
        .containsExactly(describe(small), describe(next));
    assertThat(seq.openParts()).isEmpty();
    assertThat(seq.next()).isEqualTo(3);
    // an overlapping frame gives only its blocks from the next one on
    BatchFrame.Block third = new BatchFrame.Block(3, 7, List.of());
    FrameSequence.Step overlap = seq.accept(posted(new BatchFrame(List.of(next, third)).encode()));
    assertThat(((FrameSequence.Complete) overlap).blocks())
        .extracting(BatchFrame.Block::number)
        .containsExactly(3L);
  }

  @Test
  void aCopyIsIndependent() {
    SplittableRandom r = new SplittableRandom(4);
    List<byte[]> parts = new BatchFrame(List.of(block(r, 1, 40))).encodeParts(1_000);
    FrameSequence seq = new FrameSequence(1);
    seq.accept(posted(parts.get(0)));
    FrameSequence copy = seq.copy();
    for (int k = 1; k < parts.size(); k++) {
      seq.accept(posted(parts.get(k)));
    }
    assertThat(seq.next()).isEqualTo(2);
    assertThat(copy.next()).isEqualTo(1);
    assertThat(copy.openParts()).hasSize(1);
  }

  @Test
  void anUnreadableHeaderIsRefused() {
    byte[] frame = new byte[20];
    frame[0] = 7;
    assertThatThrownBy(() -> new FrameSequence(1).accept(posted(frame)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 7 is unknown");
  }

  /**
   * A batcher that crashes at random moments and restarts from what L1 holds: it posts runs of
   * small blocks whole, large ones in parts; a crash loses the rest of a set, after which it either
   * continues the set (same parts) or starts the block over with another frame limit; now and then
   * a frame it posted is repeated. Whatever the interleaving, the sequence gives every block once,
   * in order, exactly as it was.
   */
  @Test
  void everyBlockOnceInOrderAcrossRandomCrashesAndRepeats() {
    for (int seed = 0; seed < 40; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      List<BatchFrame.Block> chain = new ArrayList<>();
      for (long n = 1; n <= 30; n++) {
        chain.add(block(r, n, r.nextInt(4) == 0 ? r.nextInt(20, 70) : r.nextInt(0, 3)));
      }
      List<PostedBatches.Posted> l1 = new ArrayList<>();
      FrameSequence onL1 = new FrameSequence(1); // what the batcher reads back
      int limit = 1_000;
      while (onL1.next() <= chain.size()) {
        int first = (int) onL1.next() - 1;
        BatchFrame one = new BatchFrame(List.of(chain.get(first)));
        List<PostedBatches.Posted> sent = new ArrayList<>();
        if (one.encode().length <= limit) {
          int last = first;
          while (last + 1 < chain.size()
              && new BatchFrame(chain.subList(first, last + 2)).encode().length <= limit) {
            last++;
          }
          sent.add(posted(new BatchFrame(chain.subList(first, last + 1)).encode()));
        } else {
          List<byte[]> parts = one.encodeParts(limit);
          List<PostedBatches.Posted> open = onL1.openParts();
          int from = 0;
          if (!open.isEmpty() && open.getFirst().header().parts() == parts.size()) {
            from = open.size(); // continue the set (same limit: the same bytes)
          }
          int crashAfter = r.nextInt(3) == 0 ? r.nextInt(from, parts.size()) : parts.size();
          for (int k = from; k < crashAfter; k++) {
            sent.add(posted(parts.get(k)));
          }
          if (crashAfter < parts.size() && r.nextBoolean()) {
            limit = limit == 1_000 ? 1_700 : 1_000; // restarted with another frame limit
          }
        }
        if (!sent.isEmpty() && r.nextInt(6) == 0) {
          sent.add(sent.get(r.nextInt(sent.size()))); // an L1 node re-including a frame
        }
        for (PostedBatches.Posted p : sent) {
          l1.add(p);
          onL1.accept(p);
        }
      }
      assertThat(derive(new FrameSequence(1), l1))
          .as("seed %d", seed)
          .containsExactlyElementsOf(chain.stream().map(FrameSequenceTest::describe).toList());
    }
  }
}
