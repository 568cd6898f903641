package io.openledger.chain.ledger;

import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Persists pool changes ({@code PENDING_TXS}) with group commit: every change queued while one
 * write is in flight goes into the next write, so many concurrent submissions share one fsync. A
 * submission is acknowledged only when its future completes, i.e. after its write is durable.
 * Changes are applied in the order they were queued.
 */
final class PendingJournal implements AutoCloseable {
  private record Change(List<Transaction> puts, List<Hash> deletes, CompletableFuture<Void> done) {}

  private final KeyValueStore store;
  private final Durability durability;
  private final LinkedBlockingQueue<Change> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  PendingJournal(KeyValueStore store, Durability durability) {
    this.store = store;
    this.durability = durability;
    this.writer = Thread.ofPlatform().daemon().name("pending-journal").start(this::run);
  }

  /** Queues puts and deletes; the future completes once they are durable (or fails). */
  CompletableFuture<Void> record(List<Transaction> puts, List<Hash> deletes) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (puts.isEmpty() && deletes.isEmpty()) {
      done.complete(null);
      return done;
    }
    if (closed) {
      done.completeExceptionally(new IllegalStateException("ledger is closed"));
      return done;
    }
    queue.add(new Change(puts, deletes, done));
    return done;
  }

  private void run() {
    List<Change> group = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Change first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        queue.drainTo(group);
        write(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        group.clear();
      }
    }
  }

  private void write(List<Change> group) {
    try (WriteBatch batch = store.newBatch()) {
      for (Change c : group) {
        for (Transaction tx : c.puts()) {
          ChainStore.putPending(batch, tx);
        }
        for (Hash h : c.deletes()) {
          ChainStore.deletePending(batch, h);
        }
      }
      batch.commit(durability);
      group.forEach(c -> c.done().complete(null));
    } catch (RuntimeException e) {
      group.forEach(c -> c.done().completeExceptionally(e));
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Change c;
    while ((c = queue.poll()) != null) {
      c.done().completeExceptionally(new IllegalStateException("ledger is closed"));
    }
  }
}
