package io.openledger.node.bridge;

import io.openledger.l1.BatchFrame;
import io.openledger.l1.FrameSequence;
import io.openledger.l1.PostedBatches;
import java.util.ArrayList;
import java.util.List;

/** The L2 blocks the inbox gives, read with the follower's rule ({@link FrameSequence}). */
public final class InboxBlocks {
  private InboxBlocks() {}

  /**
   * Every block the inbox's frames give, in order.
   *
   * @throws AssertionError at a gap
   */
  public static List<BatchFrame.Block> of(PostedBatches inbox) {
    FrameSequence sequence = new FrameSequence(1);
    List<BatchFrame.Block> out = new ArrayList<>();
    for (PostedBatches.Posted p : inbox.all()) {
      switch (sequence.accept(p)) {
        case FrameSequence.Complete c -> out.addAll(c.blocks());
        case FrameSequence.Gap g ->
            throw new AssertionError(
                "L1 transaction " + p.l1Transaction() + ": " + g.header() + " after a gap");
        default -> {
          // repeats and parts give nothing
        }
      }
    }
    return out;
  }
}
