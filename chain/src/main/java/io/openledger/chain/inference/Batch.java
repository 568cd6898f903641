package io.openledger.chain.inference;

import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A posted batch, as the module keeps it.
 *
 * @param recordsRoot root of the records tree ({@link RecordsMerkle})
 * @param firstRecord number of its first record
 * @param recordCount how many records it commits to
 * @param total what its charges (and its payouts) sum to
 * @param postedAt block timestamp of the post
 * @param finalizableAt {@code postedAt + challengeWindow}
 * @param finalized true once its payouts moved to claimable
 * @param payouts held until final; dropped from storage once final
 */
public record Batch(
    Hash recordsRoot,
    long firstRecord,
    long recordCount,
    Amount total,
    long postedAt,
    long finalizableAt,
    boolean finalized,
    List<Payout> payouts) {
  private static final int HEADER =
      Hash.SIZE + 2 * Fields.LONG + Fields.AMOUNT + 2 * Fields.LONG + 1 + 4;
  private static final int PAYOUT = 20 + Fields.AMOUNT;

  public Batch {
    payouts = List.copyOf(payouts);
  }

  /** This batch once final: flagged, its payouts no longer kept. */
  Batch finalizedCopy() {
    return new Batch(
        recordsRoot, firstRecord, recordCount, total, postedAt, finalizableAt, true, List.of());
  }

  /**
   * {@code recordsRoot (32) ‖ firstRecord (8) ‖ recordCount (8) ‖ total (32) ‖ postedAt (8) ‖
   * finalizableAt (8) ‖ finalized (1) ‖ n (4) ‖ n × (account (20) ‖ amount (32))}.
   */
  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(HEADER + payouts.size() * PAYOUT);
    b.put(recordsRoot.toArray())
        .putLong(firstRecord)
        .putLong(recordCount)
        .put(total.toBytes32())
        .putLong(postedAt)
        .putLong(finalizableAt)
        .put((byte) (finalized ? 1 : 0))
        .putInt(payouts.size());
    for (Payout p : payouts) {
      b.put(p.account().toArray()).put(p.amount().toBytes32());
    }
    return b.array();
  }

  static Batch decode(byte[] value) {
    if (value.length < HEADER || (value.length - HEADER) % PAYOUT != 0) {
      throw new IllegalStateException(
          "corrupt inference storage: batch of " + value.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    Hash root = Fields.hash(b);
    long first = b.getLong();
    long count = b.getLong();
    Amount total = Fields.amount(b);
    long postedAt = b.getLong();
    long finalizableAt = b.getLong();
    boolean finalized = b.get() != 0;
    int n = b.getInt();
    if (n != (value.length - HEADER) / PAYOUT) {
      throw new IllegalStateException("corrupt inference storage: batch payout count " + n);
    }
    List<Payout> payouts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      payouts.add(new Payout(Fields.address(b), Fields.amount(b)));
    }
    return new Batch(root, first, count, total, postedAt, finalizableAt, finalized, payouts);
  }
}
