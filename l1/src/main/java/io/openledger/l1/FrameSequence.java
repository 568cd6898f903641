package io.openledger.l1;

import java.util.ArrayList;
import java.util.List;

/**
 * The rule by which the BatchInbox's frames, read in L1 order, give the L2 blocks
 * (docs/settlement.md, "Reading the inbox"). The batcher (to know what L1 holds) and the follower
 * (to derive the chain) read with this one rule, so they never disagree:
 *
 * <ul>
 *   <li>The first frame on L1 to complete an L2 block gives it; a later frame carrying it again is
 *       a {@link Repeat}, ignored.
 *   <li>A version-0 frame starting at or before the next block gives its blocks from the next one
 *       on; one starting after it is a {@link Gap}.
 *   <li>A part 0 of the next block opens a set of parts (dropping a set opened before and not
 *       completed); part {@code k} continues an open set of the same block and count holding parts
 *       {@code 0..k-1}; the last part completes the block. A part that continues nothing is a
 *       {@link Stray}, ignored; a part of a later block is a {@link Gap}.
 * </ul>
 *
 * <p>Not thread-safe; {@link #copy()} gives an independent sequence (the batcher keeps one at the
 * last final L1 block and reads the newer blocks on a copy).
 */
public final class FrameSequence {
  /** What one frame did to the sequence. */
  public sealed interface Step permits Repeat, Part, Stray, Gap, Complete {
    PostedBatches.Posted frame();

    BatchFrame.Header header();
  }

  /** The frame carries only blocks already given: ignored. */
  public record Repeat(PostedBatches.Posted frame, BatchFrame.Header header) implements Step {}

  /** A part taken into the open set; its block is not complete yet. */
  public record Part(PostedBatches.Posted frame, BatchFrame.Header header) implements Step {}

  /** A part of the next block that continues no open set: ignored. */
  public record Stray(PostedBatches.Posted frame, BatchFrame.Header header, String why)
      implements Step {}

  /** The frame starts after the next block: the blocks between are missing. */
  public record Gap(PostedBatches.Posted frame, BatchFrame.Header header, long expected)
      implements Step {}

  /**
   * The frame completes blocks {@code fromBlock..header().lastBlock()}: a version-0 frame, or the
   * last of {@code frames}, the parts of one block.
   *
   * @param frames the frames whose bytes give the blocks, in order (one version-0 frame, or every
   *     part)
   */
  public record Complete(
      PostedBatches.Posted frame,
      BatchFrame.Header header,
      long fromBlock,
      List<PostedBatches.Posted> frames)
      implements Step {
    public Complete {
      frames = List.copyOf(frames);
    }

    /**
     * The blocks {@code fromBlock..} decoded (a version-0 frame may also carry blocks before).
     *
     * @throws IllegalArgumentException when the frame or the joined parts do not decode
     */
    public List<BatchFrame.Block> blocks() {
      BatchFrame f;
      if (header.whole()) {
        f = frame.frame();
      } else {
        List<byte[]> parts = new ArrayList<>(frames.size());
        for (PostedBatches.Posted p : frames) {
          parts.add(p.calldata());
        }
        f = BatchFrame.assemble(parts);
      }
      return f.blocks().stream().filter(b -> b.number() >= fromBlock).toList();
    }
  }

  private long next;
  private final List<PostedBatches.Posted> open = new ArrayList<>(); // parts 0.. of block next
  private BatchFrame.Header openHeader; // part 0's header, or null when no set is open

  /**
   * @param next the first L2 block the frames should give (1: the genesis block is not posted)
   */
  public FrameSequence(long next) {
    if (next < 0) {
      throw new IllegalArgumentException("next block must not be negative: " + next);
    }
    this.next = next;
  }

  /** An independent copy: what this sequence read, without sharing its state. */
  public FrameSequence copy() {
    FrameSequence c = new FrameSequence(next);
    c.open.addAll(open);
    c.openHeader = openHeader;
    return c;
  }

  /** The next L2 block a frame should give. */
  public long next() {
    return next;
  }

  /** The parts of {@link #next()} read so far, in order, while a set is open; else empty. */
  public List<PostedBatches.Posted> openParts() {
    return List.copyOf(open);
  }

  /**
   * Takes the next frame in L1 order.
   *
   * @throws IllegalArgumentException when the frame's header does not decode
   */
  public Step accept(PostedBatches.Posted p) {
    BatchFrame.Header h = p.header();
    if (h.lastBlock() < next) {
      return new Repeat(p, h);
    }
    if (h.firstBlock() > next) {
      return new Gap(p, h, next);
    }
    if (h.whole()) {
      long from = next;
      closeSet();
      next = h.lastBlock() + 1;
      return new Complete(p, h, from, List.of(p));
    }
    if (h.part() == 0) {
      closeSet();
      openHeader = h;
      open.add(p);
      return new Part(p, h);
    }
    if (openHeader == null || openHeader.parts() != h.parts() || open.size() != h.part()) {
      String why =
          openHeader == null
              ? "no set of parts of L2 block " + next + " is open"
              : "the open set of L2 block "
                  + next
                  + " holds "
                  + open.size()
                  + " of "
                  + openHeader.parts()
                  + " parts";
      return new Stray(p, h, why);
    }
    open.add(p);
    if (open.size() < h.parts()) {
      return new Part(p, h);
    }
    Complete c = new Complete(p, h, next, open);
    closeSet();
    next++;
    return c;
  }

  private void closeSet() {
    open.clear();
    openHeader = null;
  }
}
