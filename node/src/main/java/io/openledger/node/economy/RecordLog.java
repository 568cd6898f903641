package io.openledger.node.economy;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.KeyRange;
import io.openledger.chain.store.KeyValueCursor;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.Keys;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongFunction;

/**
 * The operator's durable log of inference records: numbered from 0 with no gap, each synced to disk
 * before {@link #append} returns, so a response is only sent for a record that survives a crash.
 * Concurrent appends share one fsync (group commit): one writer thread takes everything queued and
 * writes it in one synced batch while the callers wait for their record only. (Callers are virtual
 * threads: were they to write themselves, each fsync would hold a carrier thread, and each caller
 * would queue for the disk only to find its record already written.)
 *
 * <p>A record is stored as the bytes the caller builds for its number; the hash given with it (the
 * receipt id) indexes it.
 */
public final class RecordLog implements AutoCloseable {
  private static final byte[] NEXT_KEY =
      "records.next".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final KeyValueStore store;
  private final Object order = new Object(); // guards next, queue and closed
  private long next;
  private volatile long durable;
  private List<Pending> queue = new ArrayList<>();
  private boolean closed;
  private final Thread writer;

  /** What a caller stores for a number: the record's bytes and the hash clients look it up by. */
  public record Entry(Hash hash, byte[] bytes) {}

  private record Pending(long number, Entry entry, CompletableFuture<Void> durable) {}

  public RecordLog(KeyValueStore store) {
    this.store = store;
    this.next = store.get(Column.CHAIN_META, NEXT_KEY).map(Keys::readLong).orElse(0L);
    this.durable = next;
    this.writer = Thread.ofPlatform().daemon().name("record-log").start(this::writeLoop);
  }

  /** The number the next record gets (= how many records there are). */
  public long nextNumber() {
    synchronized (order) {
      return next;
    }
  }

  /**
   * Assigns the next number, builds the record for it and returns once it is on disk.
   *
   * @throws io.openledger.chain.store.StorageException if the write fails; the number is then lost
   *     to the log and the node must stop taking paid requests
   * @throws IllegalStateException once the log is closed
   */
  public long append(LongFunction<Entry> build) {
    Pending p;
    synchronized (order) {
      if (closed) {
        throw new IllegalStateException("the record log is closed");
      }
      long n = next;
      p = new Pending(n, build.apply(n), new CompletableFuture<>());
      next = n + 1;
      queue.add(p);
      order.notifyAll(); // the writer
    }
    try {
      p.durable.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing record " + p.number, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    return p.number;
  }

  /** The writer thread: writes whatever is queued, in number order, until closed and drained. */
  private void writeLoop() {
    while (true) {
      List<Pending> batch;
      synchronized (order) {
        while (queue.isEmpty() && !closed) {
          try {
            order.wait();
          } catch (InterruptedException e) {
            closed = true; // nobody interrupts it but close(): stop taking records
          }
        }
        if (queue.isEmpty()) {
          return;
        }
        batch = queue;
        queue = new ArrayList<>();
      }
      write(batch);
    }
  }

  /** One synced batch; its appends fail with the storage's exception when it fails. */
  private void write(List<Pending> batch) {
    try (WriteBatch w = store.newBatch()) {
      for (Pending p : batch) {
        w.put(Column.ATTRIBUTION_RECORDS, Keys.longKey(p.number), p.entry.bytes());
        w.put(Column.RECORD_BY_HASH, p.entry.hash().toArray(), Keys.longKey(p.number));
      }
      w.put(Column.CHAIN_META, NEXT_KEY, Keys.longKey(batch.getLast().number + 1));
      w.commit(Durability.SYNC);
    } catch (RuntimeException | Error e) {
      batch.forEach(p -> p.durable.completeExceptionally(e)); // the writer itself carries on
      return;
    }
    durable = batch.getLast().number + 1;
    batch.forEach(p -> p.durable.complete(null));
  }

  /**
   * How many records are on disk: every number below it is durable. Records being written (numbered
   * by {@link #nextNumber()} but not yet synced) are not counted.
   */
  public long durableCount() {
    return durable;
  }

  /** The stored bytes of record {@code number}. */
  public Optional<byte[]> get(long number) {
    return store.get(Column.ATTRIBUTION_RECORDS, Keys.longKey(number));
  }

  /** The number of the record with this hash. */
  public Optional<Long> numberOf(Hash hash) {
    return store.get(Column.RECORD_BY_HASH, hash.toArray()).map(Keys::readLong);
  }

  /** Records {@code from} (inclusive) to {@code to} (exclusive), in order. */
  public List<byte[]> range(long from, long to) {
    List<byte[]> out = new ArrayList<>();
    try (KeyValueCursor c =
        store.iterate(
            Column.ATTRIBUTION_RECORDS, KeyRange.between(Keys.longKey(from), Keys.longKey(to)))) {
      while (c.hasNext()) {
        out.add(c.next().value());
      }
    }
    return out;
  }

  /** Writes what is queued, stops the writer and closes the store; later appends are refused. */
  @Override
  public void close() {
    synchronized (order) {
      closed = true;
      order.notifyAll();
    }
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }
}
