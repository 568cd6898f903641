package io.openledger.node.bridge;

import io.openledger.chain.bridge.Deposit;
import io.openledger.chain.bridge.DepositFeed;
import io.openledger.l1.PortalDeposits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
public final class L1DepositWatcher implements DepositFeed, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(L1DepositWatcher.class);
  private static final long CHUNK = 2_000; // L1 blocks per eth_getLogs (providers cap the range)

  private final PortalDeposits portal;
  private final Duration pollInterval;
  private final Map<Long, Deposit> known = new ConcurrentSkipListMap<>();
  private volatile long cursor; // the L2's next deposit nonce, as last asked
  private long scanned; // the last L1 block read (poller thread only)
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
    cursor = nonce;
    known.keySet().removeIf(n -> n < nonce); // credited: the L2 state holds them now
    List<Deposit> out = new ArrayList<>();
    for (long n = nonce; out.size() < max; n++) {
      Deposit d = known.get(n);
      if (d == null) {
        break;
      }
      out.add(d);
    }
    return out;
  }

  /**
   * Reads the L1 blocks that became final since the last read, {@value #CHUNK} blocks per request
   * (tests call it; the poller does every interval).
   */
  public synchronized void poll() {
    long to = portal.finalBlock();
    while (scanned < to) {
      long end = Math.min(to, scanned + CHUNK);
      for (PortalDeposits.L1Deposit d : portal.depositsIn(scanned + 1, end)) {
        if (d.deposit().nonce() >= cursor) {
          known.putIfAbsent(d.deposit().nonce(), d.deposit());
        }
      }
      scanned = end;
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
