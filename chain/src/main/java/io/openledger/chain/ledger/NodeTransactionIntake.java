package io.openledger.chain.ledger;

import io.openledger.chain.mempool.Admission;
import io.openledger.chain.mempool.Mempool;
import io.openledger.chain.sequencer.CommittedBlock;
import io.openledger.chain.sequencer.Sequencer;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.StorageException;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.tx.DecodeResult;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionDecoder;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TransactionIntake} of a node: decodes (in parallel for a batch), admits to the mempool,
 * writes what it admitted to the persisted pool before answering, wakes the sequencer and tells the
 * pending-transaction listeners. After each block it drops from the pool, and from the persisted
 * pool, what the block mined or made stale.
 */
final class NodeTransactionIntake implements TransactionIntake, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeTransactionIntake.class);

  /** Below this many transactions, a batch is decoded on the caller's thread. */
  private static final int PARALLEL_DECODE_MIN = 16;

  private final TransactionDecoder decoder;
  private final Mempool pool;
  private final KeyValueStore poolStore;
  private final PendingJournal journal;
  private final boolean syncAdmissions;
  private final Sequencer sequencer;
  private final Subscribers subscribers;
  private final ExecutorService decoders;
  private final int decoderThreads;
  private final Object admission = new Object();
  private volatile boolean closed;

  /** Why every submission is refused (a follower's ledger), or null. */
  private volatile String refusal;

  /**
   * @param poolStore the persisted pool ({@code PENDING_TXS}), a store of its own
   * @param syncAdmissions fsync each admission before answering (concurrent ones share the fsync)
   */
  NodeTransactionIntake(
      long chainId,
      Mempool pool,
      KeyValueStore poolStore,
      boolean syncAdmissions,
      Sequencer sequencer,
      Subscribers subscribers) {
    this.decoder = new TransactionDecoder(chainId);
    this.pool = pool;
    this.poolStore = poolStore;
    this.journal =
        new PendingJournal(poolStore, syncAdmissions ? Durability.SYNC : Durability.BUFFERED);
    this.syncAdmissions = syncAdmissions;
    this.sequencer = sequencer;
    this.subscribers = subscribers;
    this.decoderThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    this.decoders =
        Executors.newFixedThreadPool(
            decoderThreads, Thread.ofPlatform().name("tx-decoder-", 0).daemon().factory());
  }

  /** Re-admits the persisted pool; what no longer fits (mined, stale) is deleted. */
  void reloadPersisted() {
    List<Transaction> txs = new ArrayList<>();
    List<Hash> drop = new ArrayList<>();
    for (byte[] raw : new ChainStore(poolStore).pendingEncodings()) {
      try {
        Transaction tx = TransactionDecoder.decodeStored(raw);
        tx.sender();
        txs.add(tx);
      } catch (RuntimeException e) {
        drop.add(Hash.keccak256(raw));
      }
    }
    txs.sort(Comparator.comparing(Transaction::sender).thenComparingLong(Transaction::nonce));
    int kept = 0;
    for (Transaction tx : txs) {
      switch (pool.add(tx)) {
        case Admission.Added a -> {
          kept++;
          a.removed().forEach(r -> drop.add(r.hash()));
        }
        case Admission.Refused r -> drop.add(tx.hash());
      }
    }
    if (!drop.isEmpty()) {
      journal.record(List.of(), drop).join();
    }
    if (kept > 0 || !drop.isEmpty()) {
      LOG.info("reloaded {} pending transactions, dropped {} stale", kept, drop.size());
    }
  }

  /**
   * Drops what a committed block mined, what it left stale (nonce passed, fee under the next base
   * fee) and what the sequencer dropped as invalid; from the pool at once, from the persisted pool
   * in the background.
   */
  void afterBlock(CommittedBlock committed, Amount nextBaseFee) {
    List<Transaction> mined = committed.block().transactions();
    List<Hash> deletes = new ArrayList<>();
    for (Transaction tx : mined) {
      deletes.add(tx.hash());
    }
    for (Transaction stale : pool.onBlockCommitted(mined, nextBaseFee)) {
      deletes.add(stale.hash());
    }
    List<Hash> dropped = committed.dropped().stream().map(s -> s.transaction().hash()).toList();
    pool.removeAll(dropped);
    deletes.addAll(dropped);
    committed
        .dropped()
        .forEach(s -> LOG.debug("dropped {}: {}", s.transaction().hash(), s.reason().message()));
    if (!deletes.isEmpty()) {
      journal.record(List.of(), deletes);
    }
  }

  @Override
  public SubmitResult submit(byte[] rawTransaction) {
    return submitAll(List.of(rawTransaction)).getFirst();
  }

  @Override
  public List<SubmitResult> submitAll(List<byte[]> raws) {
    String refused = refusal;
    if (refused != null) {
      return raws.stream().map(r -> SubmitResult.rejected(refused)).toList();
    }
    if (closed) {
      return raws.stream().map(r -> SubmitResult.rejected("node is shutting down")).toList();
    }
    List<DecodeResult> decoded = decodeAll(raws);
    SubmitResult[] results = new SubmitResult[raws.size()];
    List<Transaction> puts = new ArrayList<>();
    List<Hash> deletes = new ArrayList<>();
    CompletableFuture<Void> durable = null;
    synchronized (admission) {
      for (int i = 0; i < results.length; i++) {
        switch (decoded.get(i)) {
          case DecodeResult.Invalid inv -> results[i] = SubmitResult.rejected(inv.reason());
          case DecodeResult.Valid v -> {
            switch (pool.add(v.transaction())) {
              case Admission.Added a -> {
                puts.add(a.tx());
                a.removed().forEach(r -> deletes.add(r.hash()));
                results[i] = SubmitResult.accepted(a.tx().hash());
              }
              case Admission.Refused r -> results[i] = SubmitResult.rejected(r.message());
            }
          }
        }
      }
      if (syncAdmissions) {
        // Group commit: concurrent submissions share the journal's next fsync.
        durable = journal.record(puts, deletes);
      }
    }
    try {
      if (durable != null) {
        durable.join();
      } else {
        // In the log before the hash is returned: survives a kill of the process. Racing writes
        // (a replacement, a block that mined it) may leave a stale entry; the reload on restart
        // re-validates every entry and drops those.
        persistPending(puts, deletes);
      }
    } catch (CompletionException | StorageException e) {
      pool.removeAll(puts.stream().map(Transaction::hash).toList());
      Throwable cause = e instanceof CompletionException ? e.getCause() : e;
      String why = "could not store the transaction: " + cause.getMessage();
      for (int i = 0; i < results.length; i++) {
        if (results[i] instanceof SubmitResult.Accepted) {
          results[i] = SubmitResult.rejected(why);
        }
      }
      return List.of(results);
    }
    if (!puts.isEmpty()) {
      sequencer.wake();
      subscribers.publishPending(puts.stream().map(Transaction::hash).toList());
    }
    return List.of(results);
  }

  private void persistPending(List<Transaction> puts, List<Hash> deletes) {
    if (puts.isEmpty() && deletes.isEmpty()) {
      return;
    }
    try (WriteBatch batch = poolStore.newBatch()) {
      for (Transaction tx : puts) {
        ChainStore.putPending(batch, tx);
      }
      for (Hash h : deletes) {
        ChainStore.deletePending(batch, h);
      }
      batch.commit(Durability.BUFFERED);
    }
  }

  /** Decodes and recovers senders, in parallel chunks for a large batch. */
  private List<DecodeResult> decodeAll(List<byte[]> raws) {
    int n = raws.size();
    if (n < PARALLEL_DECODE_MIN || decoderThreads == 1) {
      return raws.stream().map(decoder::decode).toList();
    }
    DecodeResult[] out = new DecodeResult[n];
    int chunks = Math.min(decoderThreads, n / (PARALLEL_DECODE_MIN / 2));
    List<Future<?>> futures = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) n * c / chunks);
      int to = (int) ((long) n * (c + 1) / chunks);
      futures.add(
          decoders.submit(
              () -> {
                for (int i = from; i < to; i++) {
                  out[i] = decoder.decode(raws.get(i));
                }
              }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while decoding transactions", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("decoding failed", e.getCause());
      }
    }
    return List.of(out);
  }

  @Override
  public List<TransactionView> pendingTransactions() {
    return pool.all().stream().map(NodeTransactionIntake::pendingView).toList();
  }

  @Override
  public PoolContent poolContent() {
    Mempool.Content c = pool.content();
    return new PoolContent(
        c.pending().stream().map(NodeTransactionIntake::pendingView).toList(),
        c.queued().stream().map(NodeTransactionIntake::pendingView).toList());
  }

  private static TransactionView pendingView(Transaction tx) {
    return Views.transaction(tx, tx.sender(), null, null);
  }

  @Override
  public PoolStatus poolStatus() {
    int pending = pool.pendingCount();
    return new PoolStatus(pending, Math.max(0, pool.size() - pending));
  }

  /** Refuses every submission with {@code why} (a follower serves the chain read-only). */
  void refuseAll(String why) {
    refusal = why;
  }

  /** Refuses submissions from now on ("node is shutting down"); the journal stays open. */
  void stopAdmitting() {
    closed = true;
  }

  /** Closes the journal (after the sequencer stopped: its last block still records deletions). */
  @Override
  public void close() {
    closed = true;
    journal.close();
    decoders.shutdownNow();
  }
}
