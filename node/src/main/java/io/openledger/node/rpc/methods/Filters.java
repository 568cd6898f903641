package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.ChainEvents;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.LogFilter;
import io.openledger.chain.ledger.LogView;
import io.openledger.chain.ledger.Subscription;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.RpcIds;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The installed filters of {@code eth_newFilter}, {@code eth_newBlockFilter} and {@code
 * eth_newPendingTransactionFilter}, polled with {@code eth_getFilterChanges}, as geth keeps them: a
 * filter nobody polls for {@link #IDLE_EXPIRY} (5 minutes) is removed, and so is one uninstalled.
 *
 * <p>Log and block filters remember only the next block to report and read the chain when polled
 * (the log index answers the log query), so they hold no data between polls. A pending-transaction
 * filter buffers the hashes of admitted transactions, at most {@link #MAX_PENDING_HASHES} (the
 * oldest are dropped beyond that). At most {@link #MAX_FILTERS} filters at once, over all clients.
 */
public final class Filters implements AutoCloseable {
  /** geth's filter timeout: a filter not polled for this long is removed. */
  public static final Duration IDLE_EXPIRY = Duration.ofMinutes(5);

  /** Most filters installed at once, all clients together. */
  public static final int MAX_FILTERS = 1_000;

  /** Most transaction hashes a pending-transaction filter keeps between two polls. */
  public static final int MAX_PENDING_HASHES = 1_024;

  /** Most block hashes one poll of a block filter returns (the rest come at the next poll). */
  public static final int MAX_BLOCKS_PER_POLL = LogFilter.MAX_RESULTS;

  /** geth's error for an unknown, expired or uninstalled filter id. */
  static final String NOT_FOUND = "filter not found";

  private sealed interface Filter permits Logs, Blocks, PendingTransactions {}

  /** Reports logs of blocks from {@code next} on; range bounds given as numbers restrict it. */
  private static final class Logs implements Filter {
    final LogFilter criteria;
    long next;

    Logs(LogFilter criteria, long next) {
      this.criteria = criteria;
      this.next = next;
    }
  }

  private static final class Blocks implements Filter {
    long next;

    Blocks(long next) {
      this.next = next;
    }
  }

  private static final class PendingTransactions implements Filter {
    final ArrayDeque<Hash> hashes = new ArrayDeque<>();
    Subscription subscription;

    synchronized void add(Hash h) {
      if (hashes.size() == MAX_PENDING_HASHES) {
        hashes.removeFirst();
      }
      hashes.addLast(h);
    }

    synchronized List<Hash> drain() {
      List<Hash> out = new ArrayList<>(hashes);
      hashes.clear();
      return out;
    }
  }

  private record Installed(Filter filter, long lastPolledNanos) {}

  private final ChainQueries chain;
  private final ChainEvents events;
  private final Supplier<String> ids;
  private final LongSupplier nanoTime;
  private final Map<String, Installed> filters = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  public Filters(ChainQueries chain, ChainEvents events) {
    this(chain, events, RpcIds.random(), System::nanoTime, true);
  }

  /**
   * @param ids where filter ids come from ({@link RpcIds})
   * @param nanoTime the clock idle time is measured on
   * @param sweep whether to remove idle filters every 30 seconds besides at each filter call (so a
   *     pending-transaction filter nobody polls stops buffering)
   */
  public Filters(
      ChainQueries chain,
      ChainEvents events,
      Supplier<String> ids,
      LongSupplier nanoTime,
      boolean sweep) {
    this.chain = chain;
    this.events = events;
    this.ids = ids;
    this.nanoTime = nanoTime;
    this.sweeper =
        sweep
            ? Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("rpc-filter-expiry").daemon().factory())
            : null;
    if (sweeper != null) {
      sweeper.scheduleWithFixedDelay(this::expireIdle, 30, 30, TimeUnit.SECONDS);
    }
  }

  /** Installs a log filter reporting logs of blocks after the head. */
  public String newLogFilter(LogFilter criteria) {
    return install(new Logs(criteria, chain.headNumber() + 1));
  }

  /** Installs a filter reporting the hashes of blocks after the head. */
  public String newBlockFilter() {
    return install(new Blocks(chain.headNumber() + 1));
  }

  /** Installs a filter reporting the hashes of transactions admitted to the pool from now on. */
  public String newPendingTransactionFilter() {
    PendingTransactions f = new PendingTransactions();
    String id = install(f);
    f.subscription = events.onPendingTransaction(f::add);
    return id;
  }

  private String install(Filter f) {
    expireIdle();
    if (filters.size() >= MAX_FILTERS) {
      throw new JsonRpcException(
          JsonRpcError.limitExceeded(
              "too many filters (at most "
                  + MAX_FILTERS
                  + "); uninstall those no longer needed, or let them expire after "
                  + IDLE_EXPIRY.toMinutes()
                  + " minutes without a poll"));
    }
    String id = ids.get();
    filters.put(id, new Installed(f, nanoTime.getAsLong()));
    return id;
  }

  /** What a filter reports since its last poll: logs, block hashes or transaction hashes. */
  public sealed interface Changes {
    record LogChanges(List<LogView> logs) implements Changes {}

    record HashChanges(List<Hash> hashes) implements Changes {}
  }

  /**
   * {@code eth_getFilterChanges}.
   *
   * @throws JsonRpcException {@code filter not found}, or -32005 when more than 10,000 logs are new
   *     (the filter then stays where it was: uninstall it and page with {@code eth_getLogs})
   */
  public Changes changes(String id) {
    Filter f = poll(id);
    return switch (f) {
      case Logs l -> {
        synchronized (l) {
          long head = chain.headNumber();
          if (head < l.next) {
            yield new Changes.LogChanges(List.of());
          }
          long from = Math.max(l.next, bound(l.criteria.fromBlock(), 0));
          long to = Math.min(head, bound(l.criteria.toBlock(), Long.MAX_VALUE));
          List<LogView> logs =
              from > to
                  ? List.of()
                  : LedgerErrors.valueOf(
                      chain.logs(
                          LogFilter.range(BlockRef.number(from), BlockRef.number(to))
                              .withAddresses(l.criteria.addresses())
                              .withTopics(l.criteria.topics())));
          l.next = head + 1;
          yield new Changes.LogChanges(logs);
        }
      }
      case Blocks b -> {
        synchronized (b) {
          long head = chain.headNumber();
          List<Hash> hashes = new ArrayList<>();
          while (b.next <= head && hashes.size() < MAX_BLOCKS_PER_POLL) {
            chain.block(BlockRef.number(b.next)).map(BlockView::hash).ifPresent(hashes::add);
            b.next++;
          }
          yield new Changes.HashChanges(hashes);
        }
      }
      case PendingTransactions p -> new Changes.HashChanges(p.drain());
    };
  }

  /**
   * {@code eth_getFilterLogs}: every log the filter's criteria match (its whole range, not only
   * what is new).
   */
  public List<LogView> logs(String id) {
    if (!(poll(id) instanceof Logs l)) {
      throw notFound();
    }
    return LedgerErrors.valueOf(chain.logs(l.criteria));
  }

  /** {@code eth_uninstallFilter}: whether the filter existed. */
  public boolean uninstall(String id) {
    expireIdle();
    Installed removed = filters.remove(RpcIds.canonical(id));
    if (removed == null) {
      return false;
    }
    release(removed.filter());
    return true;
  }

  /** Number of installed filters. */
  public int size() {
    return filters.size();
  }

  private Filter poll(String id) {
    expireIdle();
    Installed i =
        filters.computeIfPresent(
            RpcIds.canonical(id), (k, v) -> new Installed(v.filter(), nanoTime.getAsLong()));
    if (i == null) {
      throw notFound();
    }
    return i.filter();
  }

  /** Removes every filter idle for {@link #IDLE_EXPIRY} or longer. */
  void expireIdle() {
    long now = nanoTime.getAsLong();
    Iterator<Map.Entry<String, Installed>> it = filters.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Installed> e = it.next();
      if (now - e.getValue().lastPolledNanos() >= IDLE_EXPIRY.toNanos()
          && filters.remove(e.getKey(), e.getValue())) {
        release(e.getValue().filter());
      }
    }
  }

  private static void release(Filter f) {
    if (f instanceof PendingTransactions p && p.subscription != null) {
      p.subscription.close();
    }
  }

  /** A range bound given as a block number; tags ({@code latest} ...) do not restrict changes. */
  private static long bound(BlockRef ref, long none) {
    return ref instanceof BlockRef.Number n ? n.number() : none;
  }

  private static JsonRpcException notFound() {
    return new JsonRpcException(JsonRpcError.server(NOT_FOUND));
  }

  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    filters.values().forEach(i -> release(i.filter()));
    filters.clear();
  }
}
