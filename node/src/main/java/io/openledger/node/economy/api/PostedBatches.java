package io.openledger.node.economy.api;

import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.NextBatch;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.RecordLog;
import io.openledger.node.economy.StoredRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which of this operator's posted batches holds a record, and the record's Merkle proof in it.
 *
 * <p>The operator's batches are numbered from 0 and cover consecutive records, so the batch of
 * record {@code n} is the last one whose {@code firstRecord ≤ n}, found by binary search over the
 * sequence numbers below {@code nextBatch(operator).seq}. A batch's root and record range never
 * change once posted, so they are cached; whether it is final is read from the chain each time. The
 * record hashes of the few batches asked about last are cached too (a batch of 10,000 records is
 * 10,000 decodes).
 */
public final class PostedBatches {
  private static final int CACHED_TREES = 8;

  private final Address operator;
  private final RecordLog log;
  private final Supplier<StateReader> head;
  private final Map<Long, Range> ranges = new ConcurrentHashMap<>();
  private final Map<Long, List<Hash>> leaves =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<Hash>> eldest) {
          return size() > CACHED_TREES;
        }
      };

  /** What never changes of a posted batch. */
  private record Range(long firstRecord, long recordCount) {}

  /**
   * A record's place in a posted batch.
   *
   * @param seq the batch's sequence number
   * @param batch the batch as the chain has it now
   * @param proof the record's inclusion proof under {@code batch.recordsRoot()}; its index is the
   *     record's position in the batch
   */
  public record Inclusion(long seq, Batch batch, RecordsMerkle.Proof proof) {}

  public PostedBatches(Address operator, RecordLog log, Supplier<StateReader> head) {
    this.operator = Objects.requireNonNull(operator, "operator");
    this.log = Objects.requireNonNull(log, "log");
    this.head = Objects.requireNonNull(head, "head");
  }

  /**
   * The batch holding record {@code number} and the record's proof; empty while the record is not
   * in a posted batch.
   *
   * @throws IllegalStateException if the records this node holds do not hash to the posted root
   */
  public Optional<Inclusion> find(long number) {
    StateReader state = head.get();
    NextBatch next = InferenceModule.nextBatch(state, operator);
    if (number >= next.firstRecord() || next.seq() == 0) {
      return Optional.empty();
    }
    long lo = 0;
    long hi = next.seq() - 1; // the answer is in [lo, hi]: batch 0 starts at record 0
    while (lo < hi) {
      long mid = lo + (hi - lo + 1) / 2;
      if (range(state, mid).firstRecord() <= number) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    Batch batch = batch(state, lo);
    int index = Math.toIntExact(number - batch.firstRecord());
    if (number >= batch.firstRecord() + batch.recordCount()) {
      throw new IllegalStateException(
          "record " + number + " falls between batch " + lo + " and the next");
    }
    return Optional.of(new Inclusion(lo, batch, RecordsMerkle.proof(leaves(lo, batch), index)));
  }

  private Range range(StateReader state, long seq) {
    Range r = ranges.get(seq);
    if (r == null) {
      Batch b = batch(state, seq);
      r = new Range(b.firstRecord(), b.recordCount());
      ranges.put(seq, r);
    }
    return r;
  }

  private Batch batch(StateReader state, long seq) {
    return InferenceModule.batch(state, operator, seq)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "batch " + seq + " of " + operator + " is below nextBatch but not on chain"));
  }

  /** The record hashes of a batch, checked against its posted root. */
  private List<Hash> leaves(long seq, Batch batch) {
    synchronized (leaves) {
      List<Hash> cached = leaves.get(seq);
      if (cached != null) {
        return cached;
      }
    }
    long first = batch.firstRecord();
    long end = first + batch.recordCount();
    List<byte[]> stored = log.range(first, end);
    if (stored.size() != batch.recordCount()) {
      throw new IllegalStateException(
          "batch "
              + seq
              + " covers records "
              + first
              + ".."
              + (end - 1)
              + " but this node holds "
              + stored.size()
              + " of them");
    }
    List<Hash> hashes = new ArrayList<>(stored.size());
    for (byte[] bytes : stored) {
      hashes.add(StoredRecord.decode(bytes).record().hash());
    }
    Hash root = RecordsMerkle.root(hashes);
    if (!root.equals(batch.recordsRoot())) {
      throw new IllegalStateException(
          "records "
              + first
              + ".."
              + (end - 1)
              + " hash to root "
              + root
              + " but batch "
              + seq
              + " posted "
              + batch.recordsRoot());
    }
    List<Hash> result = List.copyOf(hashes);
    synchronized (leaves) {
      leaves.put(seq, result);
    }
    return result;
  }
}
