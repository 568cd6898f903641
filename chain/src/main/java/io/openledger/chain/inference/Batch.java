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
 * @param total what its charges (and its payouts) sum to, after any correction
 * @param postedAt block timestamp of the post
 * @param finalizableAt {@code postedAt + challengeWindow}
 * @param finalized true once its payouts moved to claimable
 * @param payouts held until final; dropped from storage once final or voided
 * @param voided true once a challenge voided it: every charge went back to its payer
 * @param charges what it took from each payer, held until final; they sum to {@code total}
 */
public record Batch(
    Hash recordsRoot,
    long firstRecord,
    long recordCount,
    Amount total,
    long postedAt,
    long finalizableAt,
    boolean finalized,
    List<Payout> payouts,
    boolean voided,
    List<BatchCharge> charges) {
  private static final int HEADER =
      Hash.SIZE + 2 * Fields.LONG + Fields.AMOUNT + 2 * Fields.LONG + 1 + 4 + 4;
  private static final int PAYOUT = 20 + Fields.AMOUNT;
  private static final byte OPEN = 0;
  private static final byte FINAL = 1;
  private static final byte VOID = 2;

  public Batch {
    payouts = List.copyOf(payouts);
    charges = List.copyOf(charges);
    if (finalized && voided) {
      throw new IllegalArgumentException("a batch is final or voided, not both");
    }
  }

  /** A batch not voided, without its charges (what the {@code batch} view returns). */
  public Batch(
      Hash recordsRoot,
      long firstRecord,
      long recordCount,
      Amount total,
      long postedAt,
      long finalizableAt,
      boolean finalized,
      List<Payout> payouts) {
    this(
        recordsRoot,
        firstRecord,
        recordCount,
        total,
        postedAt,
        finalizableAt,
        finalized,
        payouts,
        false,
        List.of());
  }

  /** Neither final nor voided: its payouts and charges can still change. */
  public boolean open() {
    return !finalized && !voided;
  }

  /** This batch once final: flagged, its payouts and charges no longer kept. */
  Batch finalizedCopy() {
    return new Batch(
        recordsRoot,
        firstRecord,
        recordCount,
        total,
        postedAt,
        finalizableAt,
        true,
        List.of(),
        false,
        List.of());
  }

  /** This batch once voided: nothing charged, nothing paid. */
  Batch voidedCopy() {
    return new Batch(
        recordsRoot,
        firstRecord,
        recordCount,
        Amount.ZERO,
        postedAt,
        finalizableAt,
        false,
        List.of(),
        true,
        List.of());
  }

  /** This batch with corrected amounts. */
  Batch corrected(Amount newTotal, List<Payout> newPayouts, List<BatchCharge> newCharges) {
    return new Batch(
        recordsRoot,
        firstRecord,
        recordCount,
        newTotal,
        postedAt,
        finalizableAt,
        false,
        newPayouts,
        false,
        newCharges);
  }

  /**
   * {@code recordsRoot (32) ‖ firstRecord (8) ‖ recordCount (8) ‖ total (32) ‖ postedAt (8) ‖
   * finalizableAt (8) ‖ status (1: 0 open, 1 final, 2 voided) ‖ n (4) ‖ m (4) ‖ n × (account (20) ‖
   * amount (32)) ‖ m × (payer (20) ‖ keyHash (32) ‖ amount (32))}.
   */
  byte[] encode() {
    ByteBuffer b =
        ByteBuffer.allocate(HEADER + payouts.size() * PAYOUT + charges.size() * BatchCharge.SIZE);
    b.put(recordsRoot.toArray())
        .putLong(firstRecord)
        .putLong(recordCount)
        .put(total.toBytes32())
        .putLong(postedAt)
        .putLong(finalizableAt)
        .put(finalized ? FINAL : voided ? VOID : OPEN)
        .putInt(payouts.size())
        .putInt(charges.size());
    for (Payout p : payouts) {
      b.put(p.account().toArray()).put(p.amount().toBytes32());
    }
    for (BatchCharge c : charges) {
      b.put(c.payer().toArray()).put(c.keyHash().toArray()).put(c.amount().toBytes32());
    }
    return b.array();
  }

  static Batch decode(byte[] value) {
    if (value.length < HEADER) {
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
    byte status = b.get();
    int n = b.getInt();
    int m = b.getInt();
    if (status < OPEN
        || status > VOID
        || n < 0
        || m < 0
        || (long) n * PAYOUT + (long) m * BatchCharge.SIZE != value.length - HEADER) {
      throw new IllegalStateException(
          "corrupt inference storage: batch status " + status + ", " + n + " payouts, " + m);
    }
    List<Payout> payouts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      payouts.add(new Payout(Fields.address(b), Fields.amount(b)));
    }
    List<BatchCharge> charges = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      charges.add(new BatchCharge(Fields.address(b), Fields.hash(b), Fields.amount(b)));
    }
    return new Batch(
        root,
        first,
        count,
        total,
        postedAt,
        finalizableAt,
        status == FINAL,
        payouts,
        status == VOID,
        charges);
  }
}
