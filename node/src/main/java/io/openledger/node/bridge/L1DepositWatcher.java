package io.openledger.node.bridge;

import io.openledger.chain.bridge.Deposit;
import io.openledger.chain.bridge.DepositFeed;
import io.openledger.chain.types.Hash;
import io.openledger.l1.PortalDeposits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the L1 Portal for deposits in final blocks and hands them to the sequencer ({@link
 * DepositFeed}). A background thread polls L1 every {@code pollInterval}; the sequencer reads what
 * it found without waiting on L1, from the L2 state's next deposit nonce. An L1 outage delays
 * deposits (they are credited once L1 answers again), it never skips or repeats one: the cursor is
 * the L2 state, and L1's logs are read from the Portal's start block on every start, then each
 * final block once. Only final blocks are read, so a reorg shallower than the confirmations never
 * shows.
 *
 * <p>A deeper one (or an L1 node restarted with older state) is noticed: the watcher keeps the hash
 * of the last final block it read and checks it before reading on. When it changed, the watcher
 * logs an error, forgets the deposits it had not handed out yet and reads the Portal again from its
 * start block. A deposit the L2 already credited that L1 now holds differently (another amount,
 * sender or recipient under its nonce) cannot be undone: the watcher then stops handing out
 * deposits and logs the conflict at every poll, rather than credit a chain L1 does not have.
 */
public final class L1DepositWatcher implements DepositFeed, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(L1DepositWatcher.class);
  private static final long CHUNK = 2_000; // L1 blocks per eth_getLogs (providers cap the range)

  private final PortalDeposits portal;
  private final Duration pollInterval;
  private final Map<Long, Deposit> known = new ConcurrentSkipListMap<>(); // not yet credited
  // Every deposit handed to the sequencer in this run, and every deposit read from L1 since the
  // last (re)start of the reading: a credited one (nonce below the cursor) that L1 now holds
  // differently is a conflict.
  private final ConcurrentSkipListMap<Long, Deposit> handed = new ConcurrentSkipListMap<>();
  private final Map<Long, Deposit> onL1 = new ConcurrentSkipListMap<>();
  private volatile long cursor; // the L2's next deposit nonce, as last asked
  private long scanned; // the last L1 block read (poller thread only)
  private Hash scannedHash; // its hash; null when none read yet
  private long deepReorgs;
  private volatile String conflict; // set when L1 contradicts a credited deposit
  private volatile boolean running = true;
  private final Thread poller;

  public L1DepositWatcher(PortalDeposits portal, Duration pollInterval) {
    this.portal = portal;
    this.pollInterval = pollInterval;
    this.scanned = portal.startBlock() - 1;
    this.poller = Thread.ofPlatform().name("l1-deposits").daemon().start(this::run);
  }

  @Override
  public List<Deposit> finalFrom(long nonce, int max) {
    long before = cursor;
    cursor = nonce;
    known.keySet().removeIf(n -> n < nonce); // credited: the L2 state holds them now
    checkCredited(Math.min(before, nonce), nonce);
    List<Deposit> out = new ArrayList<>();
    if (conflict != null) {
      return out;
    }
    for (long n = nonce; out.size() < max; n++) {
      Deposit d = known.get(n);
      if (d == null) {
        break;
      }
      out.add(d);
      handed.put(n, d);
    }
    return out;
  }

  /** Compares the credited deposits with nonces {@code from..to-1} with what L1 holds now. */
  private void checkCredited(long from, long to) {
    for (var e : handed.subMap(from, to).entrySet()) {
      Deposit l1 = onL1.get(e.getKey());
      if (l1 != null && !l1.equals(e.getValue()) && conflict == null) {
        conflict =
            "the L2 credited deposit "
                + e.getKey()
                + " as "
                + e.getValue()
                + " but L1 now holds "
                + l1
                + ": L1 reorganised deeper than the "
                + portal.confirmations()
                + " confirmations the node waits for";
        LOG.error("deposits stopped: {}", conflict);
      }
    }
  }

  /**
   * Why deposits stopped: L1 holds a deposit differently from what the L2 credited; empty while all
   * is well.
   */
  public Optional<String> conflict() {
    return Optional.ofNullable(conflict);
  }

  /** How many times a reorganisation deeper than the confirmations made it read L1 again. */
  public synchronized long deepReorgs() {
    return deepReorgs;
  }

  /**
   * Reads the L1 blocks that became final since the last read, {@value #CHUNK} blocks per request
   * (tests call it; the poller does every interval).
   */
  public synchronized void poll() {
    if (conflict != null) {
      LOG.error("deposits stopped: {}", conflict);
    }
    if (scannedHash != null && !portal.blockHash(scanned).equals(Optional.of(scannedHash))) {
      deepReorgs++;
      LOG.error(
          "L1 reorganised below block {} ({}), which the deposit watcher took as final with {}"
              + " confirmations: the reorganisation was deeper than that. Reading the Portal's"
              + " deposits again from L1 block {}",
          scanned,
          scannedHash,
          portal.confirmations(),
          portal.startBlock());
      known.clear();
      onL1.clear();
      scanned = portal.startBlock() - 1;
      scannedHash = null;
    }
    long to = portal.finalBlock();
    while (scanned < to) {
      long end = Math.min(to, scanned + CHUNK);
      Optional<Hash> endHash = portal.blockHash(end);
      List<PortalDeposits.L1Deposit> found = portal.depositsIn(scanned + 1, end);
      if (endHash.isEmpty() || !portal.blockHash(end).equals(endHash)) {
        throw new IllegalStateException("L1 reorganised while it was read; reading again");
      }
      for (PortalDeposits.L1Deposit d : found) {
        take(d.deposit());
      }
      scanned = end;
      scannedHash = endHash.get();
    }
  }

  private void take(Deposit d) {
    onL1.put(d.nonce(), d);
    if (d.nonce() < cursor) {
      checkCredited(d.nonce(), d.nonce() + 1); // read again after a reorganisation
    } else {
      known.putIfAbsent(d.nonce(), d);
    }
  }

  private void run() {
    while (running) {
      try {
        poll();
      } catch (RuntimeException e) {
        LOG.warn("reading L1 deposits failed; retrying: {}", e.getMessage());
      }
      try {
        Thread.sleep(pollInterval);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    poller.interrupt();
    try {
      poller.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
