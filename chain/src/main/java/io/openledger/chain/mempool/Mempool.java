package io.openledger.chain.mempool;

import io.openledger.chain.exec.Eip55;
import io.openledger.chain.state.Account;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The transaction pool: signed transactions waiting for a block, per sender in nonce order.
 *
 * <p>A sender's transactions from its account nonce upward without a gap are <em>pending</em>
 * (executable); those behind a gap are <em>queued</em> until it is filled. As in go-ethereum's
 * pool, every sender may hold {@link MempoolConfig#accountSlots()} pending transactions, and more
 * while the pool holds fewer than {@link MempoolConfig#globalSlots()}; at most {@link
 * MempoolConfig#accountQueue()} queued ones. A transaction of the same (sender, nonce) replaces one
 * in the pool only when it raises both fee caps by {@link MempoolConfig#priceBumpPercent()}. When
 * the pool is full the cheapest transaction by effective tip at the next base fee is evicted for a
 * better-paying one.
 *
 * <p>Admission is checked against the pending state: the head account (from {@link AccountSource})
 * minus what the sender's earlier pooled transactions may spend. Every refusal leaves the pool
 * unchanged. The pool holds no storage: callers persist {@link Admission.Added} and delete what it
 * removed.
 *
 * <p>Thread-safe (one lock; the expensive work, decoding and signature recovery, happens before).
 */
public final class Mempool {
  private final MempoolConfig config;
  private final AccountSource accounts;
  private final AdmissionCheck extraCheck;

  private final Map<Address, TreeMap<Long, PooledTransaction>> bySender = new HashMap<>();
  private final Map<Hash, PooledTransaction> byHash = new HashMap<>();

  /** Eviction order: cheapest first (lowest tip at {@link #baseFee}), newest first among equals. */
  private final TreeSet<PooledTransaction> byPrice =
      new TreeSet<>(
          Comparator.<PooledTransaction>comparingLong(p -> p.rankTip)
              .thenComparing(p -> p.seq, Comparator.reverseOrder()));

  /**
   * Account nonce of each sender with transactions here, as last read from the head. Only a
   * sender's own transactions move its nonce, so it is re-read only for the senders of each block.
   */
  private final Map<Address, Long> headNonces = new HashMap<>();

  /** The base fee {@link PooledTransaction#rankTip} was computed at; re-ranked lazily. */
  private long rankBaseFee;

  private long baseFee; // base units per gas of the next block, saturated
  private Amount baseFeeExact;
  private long nextSeq;

  /** Counts every insertion and removal: equal versions mean the same pool contents. */
  private long version;

  /**
   * @param accounts the head state
   * @param nextBaseFee base fee of the next block (admission refuses fee caps below it)
   * @param extraCheck protocol checks of the transaction against the sender's pending account (for
   *     example locked OPEN); {@link AdmissionCheck#NONE} for none
   */
  public Mempool(
      MempoolConfig config, AccountSource accounts, Amount nextBaseFee, AdmissionCheck extraCheck) {
    this.config = config;
    this.accounts = accounts;
    this.extraCheck = extraCheck;
    this.baseFeeExact = nextBaseFee;
    this.baseFee = PooledTransaction.saturate(nextBaseFee);
    this.rankBaseFee = baseFee;
  }

  public MempoolConfig config() {
    return config;
  }

  /**
   * Admits a transaction whose sender is already recovered (a {@link Transaction} from the
   * decoder). Checks, in order: already known, nonce too low, {@code extraCheck} on the pending
   * account (the sender's balance net of its earlier pooled transactions), fee cap below the next
   * base fee, insufficient funds, replacement underpriced, per-sender limit (pending slots, queued
   * slots), pool full.
   */
  public synchronized Admission add(Transaction tx) {
    Hash hash = tx.hash();
    if (byHash.containsKey(hash)) {
      return new Admission.Refused("already known");
    }
    Address sender = tx.sender();
    Account head = accounts.account(sender);
    List<Transaction> removed = new ArrayList<>(pruneBelow(sender, head.nonce()));
    Optional<String> refusal = check(tx, sender, head);
    if (refusal.isPresent()) {
      return new Admission.Refused(refusal.get());
    }
    TreeMap<Long, PooledTransaction> queue = bySender.computeIfAbsent(sender, a -> new TreeMap<>());
    PooledTransaction incoming = new PooledTransaction(tx, nextSeq++);
    PooledTransaction replaced = queue.get(tx.nonce());
    if (replaced == null && byHash.size() >= config.maxTotal()) {
      rerank();
      incoming.rankTip = incoming.effectiveTip(rankBaseFee);
      PooledTransaction cheapest = byPrice.first();
      if (incoming.rankTip <= cheapest.rankTip) {
        if (queue.isEmpty()) {
          bySender.remove(sender);
        }
        return new Admission.Refused("txpool is full");
      }
      remove(cheapest);
      removed.add(cheapest.tx);
    }
    if (replaced != null) {
      remove(replaced);
      removed.add(replaced.tx);
    }
    incoming.rankTip = incoming.effectiveTip(rankBaseFee);
    insert(incoming);
    headNonces.put(sender, head.nonce());
    return new Admission.Added(
        tx, List.copyOf(removed), isExecutable(sender, head.nonce(), tx.nonce()));
  }

  /** The sender is formatted (EIP-55, a keccak) only into refusals, not for every admission. */
  private Optional<String> check(Transaction tx, Address sender, Account head) {
    long nonce = tx.nonce();
    if (nonce < head.nonce()) {
      return Optional.of(
          "nonce too low: address "
              + Eip55.format(sender)
              + ", tx: "
              + nonce
              + " state: "
              + head.nonce());
    }
    TreeMap<Long, PooledTransaction> queue = bySender.get(sender);
    Amount earlierSpends = spendsBefore(queue, nonce);
    if (head.balance().lessThan(earlierSpends)) {
      return Optional.of(
          "insufficient funds for gas * price + value: address "
              + Eip55.format(sender)
              + " have "
              + head.balance()
              + " want "
              + earlierSpends.add(tx.maxCost()));
    }
    // The protocol's own checks (static rules, fee cap, funds, locked OPEN) on the pending account.
    Account pending = new Account(head.balance().subtract(earlierSpends), nonce);
    Optional<String> protocol = extraCheck.check(tx, pending, baseFeeExact);
    if (protocol.isPresent()) {
      return protocol;
    }
    if (tx.maxFeePerGas().lessThan(baseFeeExact)) {
      return Optional.of(
          "max fee per gas less than block base fee: address "
              + Eip55.format(sender)
              + ", maxFeePerGas: "
              + tx.maxFeePerGas()
              + ", baseFee: "
              + baseFeeExact);
    }
    if (pending.balance().lessThan(tx.maxCost())) {
      return Optional.of(
          "insufficient funds for gas * price + value: address "
              + Eip55.format(sender)
              + " have "
              + pending.balance()
              + " want "
              + tx.maxCost());
    }
    PooledTransaction existing = queue == null ? null : queue.get(nonce);
    if (existing != null && !outbids(tx, existing.tx)) {
      return Optional.of("replacement transaction underpriced");
    }
    if (existing == null && queue != null) {
      return slotLimit(queue, head.nonce(), nonce, sender);
    }
    return Optional.empty();
  }

  /**
   * The per-sender limits on a new (not replacing) transaction: a pending one beyond {@code
   * accountSlots} only while the pool has room, a queued one up to {@code accountQueue}.
   */
  private Optional<String> slotLimit(
      TreeMap<Long, PooledTransaction> queue, long headNonce, long nonce, Address sender) {
    long pendingNonce = headNonce;
    while (queue.containsKey(pendingNonce)) {
      pendingNonce++;
    }
    long pending = pendingNonce - headNonce;
    if (nonce == pendingNonce) {
      if (pending >= config.accountSlots() && byHash.size() >= config.globalSlots()) {
        return Optional.of(
            "account limit exceeded: address "
                + Eip55.format(sender)
                + " has "
                + pending
                + " pending transactions; beyond "
                + config.accountSlots()
                + " per sender the pool admits more only while it holds fewer than "
                + config.globalSlots());
      }
      return Optional.empty();
    }
    long queued = queue.size() - pending;
    if (queued >= config.accountQueue()) {
      return Optional.of(
          "account limit exceeded: address "
              + Eip55.format(sender)
              + " has "
              + queued
              + " queued transactions (behind the nonce gap at "
              + pendingNonce
              + "), at most "
              + config.accountQueue()
              + " per sender");
    }
    return Optional.empty();
  }

  /** Geth's rule: both caps strictly higher and at least {@code (100 + bump)%} of the old ones. */
  private boolean outbids(Transaction incoming, Transaction old) {
    BigInteger factor = BigInteger.valueOf(100L + config.priceBumpPercent());
    BigInteger hundred = BigInteger.valueOf(100);
    BigInteger feeThreshold = old.maxFeePerGas().value().multiply(factor).divide(hundred);
    BigInteger tipThreshold = old.maxPriorityFeePerGas().value().multiply(factor).divide(hundred);
    BigInteger newFee = incoming.maxFeePerGas().value();
    BigInteger newTip = incoming.maxPriorityFeePerGas().value();
    return newFee.compareTo(old.maxFeePerGas().value()) > 0
        && newTip.compareTo(old.maxPriorityFeePerGas().value()) > 0
        && newFee.compareTo(feeThreshold) >= 0
        && newTip.compareTo(tipThreshold) >= 0;
  }

  private static Amount spendsBefore(TreeMap<Long, PooledTransaction> queue, long nonce) {
    if (queue == null) {
      return Amount.ZERO;
    }
    BigInteger sum = BigInteger.ZERO;
    for (PooledTransaction p : queue.headMap(nonce, false).values()) {
      sum = sum.add(p.maxCost.value());
    }
    return Amount.of(sum);
  }

  private boolean isExecutable(Address sender, long headNonce, long nonce) {
    TreeMap<Long, PooledTransaction> queue = bySender.get(sender);
    long expected = headNonce;
    for (long n : queue.keySet()) {
      if (n != expected) {
        return false;
      }
      if (n == nonce) {
        return true;
      }
      expected++;
    }
    return false;
  }

  private void insert(PooledTransaction p) {
    version++;
    bySender.computeIfAbsent(p.sender, a -> new TreeMap<>()).put(p.nonce, p);
    byHash.put(p.hash, p);
    byPrice.add(p);
  }

  private void remove(PooledTransaction p) {
    version++;
    byHash.remove(p.hash);
    byPrice.remove(p);
    TreeMap<Long, PooledTransaction> queue = bySender.get(p.sender);
    if (queue != null) {
      queue.remove(p.nonce);
      if (queue.isEmpty()) {
        bySender.remove(p.sender);
        headNonces.remove(p.sender);
      }
    }
  }

  /**
   * Drops the sender's transactions below its account nonce (mined, or made stale by one mined).
   */
  private List<Transaction> pruneBelow(Address sender, long headNonce) {
    TreeMap<Long, PooledTransaction> queue = bySender.get(sender);
    if (queue == null || queue.isEmpty() || queue.firstKey() >= headNonce) {
      return List.of();
    }
    List<Transaction> out = new ArrayList<>();
    for (PooledTransaction p : List.copyOf(queue.headMap(headNonce, false).values())) {
      remove(p);
      out.add(p.tx);
    }
    return out;
  }

  /**
   * Chooses transactions for a block: repeatedly the highest effective tip at {@code baseFee} among
   * each sender's next executable transaction (a heap over senders), so each sender's nonce order
   * holds; ties go to the earlier arrival. A sender whose next transaction does not fit the
   * remaining gas, or whose fee cap is below the base fee, contributes nothing more. Does not
   * remove anything: call {@link #onBlockCommitted} once the block is durable.
   *
   * @param gasLimit gas available in the block
   * @param maxCount most transactions to take
   */
  public synchronized List<Transaction> select(Amount blockBaseFee, long gasLimit, int maxCount) {
    return select(blockBaseFee, gasLimit, maxCount, Map.of());
  }

  /**
   * {@link #select(Amount, long, int)} for a block built on a parent that is executed but not yet
   * committed: {@code nextNonces} gives, for each sender with transactions in that parent, the
   * nonce its next transaction must have (the pool still holds the parent's transactions until
   * {@link #onBlockCommitted}). A sender's selection starts at the larger of that and its head
   * nonce.
   */
  public synchronized List<Transaction> select(
      Amount blockBaseFee, long gasLimit, int maxCount, Map<Address, Long> nextNonces) {
    long fee = PooledTransaction.saturate(blockBaseFee);
    record Head(PooledTransaction p, long tip, Iterator<PooledTransaction> rest) {}
    PriorityQueue<Head> heap =
        new PriorityQueue<>(
            Comparator.comparingLong((Head h) -> h.tip).reversed().thenComparingLong(h -> h.p.seq));
    for (Map.Entry<Address, TreeMap<Long, PooledTransaction>> e : bySender.entrySet()) {
      long headNonce = Math.max(headNonce(e.getKey()), nextNonces.getOrDefault(e.getKey(), 0L));
      Iterator<PooledTransaction> it = e.getValue().tailMap(headNonce, true).values().iterator();
      if (it.hasNext()) {
        PooledTransaction first = it.next();
        if (first.nonce == headNonce && first.maxFee >= fee) {
          heap.add(new Head(first, first.effectiveTip(fee), it));
        }
      }
    }
    List<Transaction> out = new ArrayList<>();
    long gasLeft = gasLimit;
    while (!heap.isEmpty() && out.size() < maxCount) {
      Head h = heap.poll();
      if (h.p.tx.gasLimit() > gasLeft) {
        continue;
      }
      out.add(h.p.tx);
      gasLeft -= h.p.tx.gasLimit();
      if (h.rest.hasNext()) {
        PooledTransaction next = h.rest.next();
        if (next.nonce == h.p.nonce + 1 && next.maxFee >= fee) {
          heap.add(new Head(next, next.effectiveTip(fee), h.rest));
        }
      }
    }
    return out;
  }

  /**
   * After a block is committed: removes its transactions and any of the same senders now below
   * their account nonce, and re-ranks the pool for the next base fee.
   *
   * @return transactions removed besides {@code included} (to delete from storage)
   */
  public synchronized List<Transaction> onBlockCommitted(
      List<Transaction> included, Amount nextBaseFee) {
    List<Transaction> stale = new ArrayList<>();
    Map<Address, Boolean> senders = new HashMap<>();
    for (Transaction tx : included) {
      PooledTransaction p = byHash.get(tx.hash());
      if (p != null) {
        remove(p);
      }
      senders.put(tx.sender(), Boolean.TRUE);
    }
    for (Address sender : senders.keySet()) {
      long nonce = accounts.account(sender).nonce();
      stale.addAll(pruneBelow(sender, nonce));
      if (bySender.containsKey(sender)) {
        headNonces.put(sender, nonce);
      }
    }
    setBaseFee(nextBaseFee);
    return stale;
  }

  /** The base fee of the next block: admission's floor, and the eviction order's reference. */
  public synchronized void setBaseFee(Amount nextBaseFee) {
    baseFeeExact = nextBaseFee;
    baseFee = PooledTransaction.saturate(nextBaseFee);
  }

  /**
   * Re-ranks the eviction order at the current base fee; done only when a full pool must evict,
   * since it costs a sort of the whole pool.
   */
  private void rerank() {
    if (rankBaseFee == baseFee) {
      return;
    }
    rankBaseFee = baseFee;
    List<PooledTransaction> all = new ArrayList<>(byPrice);
    byPrice.clear();
    for (PooledTransaction p : all) {
      p.rankTip = p.effectiveTip(rankBaseFee);
      byPrice.add(p);
    }
  }

  private long headNonce(Address sender) {
    Long n = headNonces.get(sender);
    return n != null ? n : accounts.account(sender).nonce();
  }

  /** Removes transactions (for example ones the executor refused); returns those that were here. */
  public synchronized List<Transaction> removeAll(List<Hash> hashes) {
    List<Transaction> out = new ArrayList<>();
    for (Hash h : hashes) {
      PooledTransaction p = byHash.get(h);
      if (p != null) {
        remove(p);
        out.add(p.tx);
      }
    }
    return out;
  }

  public synchronized Optional<Transaction> get(Hash hash) {
    PooledTransaction p = byHash.get(hash);
    return p == null ? Optional.empty() : Optional.of(p.tx);
  }

  public synchronized boolean contains(Hash hash) {
    return byHash.containsKey(hash);
  }

  /**
   * The nonce the sender's next transaction should carry: its account nonce plus its pending
   * (gap-free) transactions in the pool.
   */
  public synchronized long pendingNonce(Address sender) {
    long n = accounts.account(sender).nonce();
    TreeMap<Long, PooledTransaction> queue = bySender.get(sender);
    if (queue == null) {
      return n;
    }
    while (queue.containsKey(n)) {
      n++;
    }
    return n;
  }

  public synchronized int size() {
    return byHash.size();
  }

  /** Number of executable transactions (no nonce gap before them). */
  public synchronized int pendingCount() {
    int pending = 0;
    for (Map.Entry<Address, TreeMap<Long, PooledTransaction>> e : bySender.entrySet()) {
      long n = headNonce(e.getKey());
      while (e.getValue().containsKey(n)) {
        pending++;
        n++;
      }
    }
    return pending;
  }

  /**
   * A number that changes whenever a transaction enters or leaves the pool (so a view built from
   * the pool, such as the pending block, knows when it is stale).
   */
  public synchronized long version() {
    return version;
  }

  /** The pool split as {@code txpool_content} shows it, each part by sender then nonce. */
  public record Content(List<Transaction> pending, List<Transaction> queued) {}

  public synchronized Content content() {
    List<Transaction> pending = new ArrayList<>();
    List<Transaction> queued = new ArrayList<>();
    for (Map.Entry<Address, TreeMap<Long, PooledTransaction>> e :
        new TreeMap<>(bySender).entrySet()) {
      long next = headNonce(e.getKey());
      for (PooledTransaction p : e.getValue().tailMap(next, true).values()) {
        if (p.nonce == next) {
          pending.add(p.tx);
          next++;
        } else {
          queued.add(p.tx);
        }
      }
    }
    return new Content(pending, queued);
  }

  /** Every pooled transaction, by sender then nonce. */
  public synchronized List<Transaction> all() {
    List<Transaction> out = new ArrayList<>(byHash.size());
    new TreeMap<>(bySender).values().forEach(q -> q.values().forEach(p -> out.add(p.tx)));
    return out;
  }
}
