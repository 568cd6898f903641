package io.openledger.chain.ledger;

import io.openledger.chain.sequencer.CommittedBlock;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listeners for new heads, new logs and newly pooled transactions. Notifications run on one
 * listener thread, in block order, so the sequencer never waits for a slow listener; a listener
 * that throws is logged and kept.
 */
final class Subscribers implements ChainEvents, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Subscribers.class);

  private record LogListener(LogFilter filter, Consumer<LogView> listener) {}

  private final List<Consumer<BlockView>> heads = new CopyOnWriteArrayList<>();
  private final List<LogListener> logs = new CopyOnWriteArrayList<>();
  private final List<Consumer<Hash>> pendingTxs = new CopyOnWriteArrayList<>();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("ledger-listeners").daemon().factory());

  @Override
  public Subscription onNewHead(Consumer<BlockView> listener) {
    heads.add(listener);
    return () -> heads.remove(listener);
  }

  @Override
  public Subscription onLogs(LogFilter filter, Consumer<LogView> listener) {
    LogListener l = new LogListener(filter, listener);
    logs.add(l);
    return () -> logs.remove(l);
  }

  @Override
  public Subscription onPendingTransaction(Consumer<Hash> listener) {
    pendingTxs.add(listener);
    return () -> pendingTxs.remove(listener);
  }

  /** No listener for blocks or logs (pending-transaction listeners aside). */
  private boolean isEmpty() {
    return heads.isEmpty() && logs.isEmpty();
  }

  /** Queues the hashes of transactions just admitted to the pool, in admission order. */
  void publishPending(List<Hash> admitted) {
    if (pendingTxs.isEmpty() || admitted.isEmpty()) {
      return;
    }
    thread.execute(
        () -> {
          for (Consumer<Hash> l : pendingTxs) {
            for (Hash h : admitted) {
              deliver(l, h);
            }
          }
        });
  }

  /** Queues the notifications of one committed block. */
  void publish(CommittedBlock committed) {
    if (isEmpty()) {
      return;
    }
    BlockView block = Views.committed(committed);
    List<LogView> blockLogs = Views.committedLogs(committed);
    thread.execute(
        () -> {
          for (Consumer<BlockView> h : heads) {
            deliver(h, block);
          }
          for (LogListener l : logs) {
            for (LogView log : blockLogs) {
              if (l.filter().matches(log.address(), log.topics())) {
                deliver(l.listener(), log);
              }
            }
          }
        });
  }

  private static <T> void deliver(Consumer<T> listener, T value) {
    try {
      listener.accept(value);
    } catch (RuntimeException e) {
      LOG.warn("subscription listener failed", e);
    }
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
