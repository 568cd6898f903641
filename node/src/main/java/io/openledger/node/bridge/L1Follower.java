package io.openledger.node.bridge;

import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.bridge.Deposit;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.FollowerLedger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.StateUnavailableException;
import io.openledger.chain.sequencer.Sequencer;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionDecoder;
import io.openledger.chain.types.Hash;
import io.openledger.l1.BatchFrame;
import io.openledger.l1.FrameSequence;
import io.openledger.l1.OutputRoot;
import io.openledger.l1.PortalDeposits;
import io.openledger.l1.PostedBatches;
import io.openledger.l1.PostedOutputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;

/**
 * The follower: rebuilds the L2 chain from L1 alone and checks it (docs/settlement.md, "The
 * follower"). It reads the BatchInbox's frames in L1 order, re-executes each L2 block's
 * transactions on its own ledger ({@link FollowerLedger#importBlock}, the sequencer's executor and
 * environment), checks the deposits of each block against the Portal's (forced inclusion: exactly
 * L1's deposits, in nonce order, none due past {@link Deposit#INCLUSION_WINDOW_SECONDS} left out),
 * holds each block's timestamp to the L1 block that posted it (the sequencing window: not older
 * than {@link Deposit#SEQUENCING_WINDOW_SECONDS} before it), and compares every output the
 * OutputOracle holds with the root it computes.
 *
 * <p>The cursor is the ledger's head: after a restart the frames are read again from the start
 * block and the blocks at or below the head are skipped, so nothing is derived twice or skipped.
 * Only L1 blocks with {@code confirmations} blocks on top are read, for frames, deposits and
 * outputs alike. Which frames give which blocks is {@link FrameSequence}'s rule: the first frame
 * (or set of parts) on L1 to complete an L2 block gives it, and a block posted in parts counts as
 * posted in the L1 block of its last part; repeats and stray parts are ignored (logged).
 *
 * <p>A chain that breaks a rule (a posted output that is not the computed one, a block that does
 * not apply, a gap, a block posted past the sequencing window, a forged, reordered or overdue
 * deposit) halts the follower: {@link #followOnce()} throws {@link DerivationHalted} with the
 * report, the block at fault is not stored, and nothing more is derived.
 */
public final class L1Follower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(L1Follower.class);
  private static final long CHUNK = 2_000; // L1 blocks per eth_getLogs

  /** The chain on L1 breaks a rule; the message is the report. */
  public static final class DerivationHalted extends RuntimeException {
    public DerivationHalted(String report) {
      super(report);
    }
  }

  /** A Portal deposit with its L1 block's timestamp (seconds). */
  private record Logged(PortalDeposits.L1Deposit deposit, long l1Timestamp) {
    long l1Block() {
      return deposit.l1Block();
    }
  }

  private final FollowerLedger ledger;
  private final Web3j l1;
  private final PostedBatches inbox;
  private final PostedOutputs oracle;
  private PostedOutputs confirmedOracle; // the oracle at the last confirmed L1 block, or null
  private final PortalDeposits portal;
  private final int confirmations;
  private final Map<Long, Long> l1Timestamps = new HashMap<>();
  private final TreeMap<Long, Logged> deposits = new TreeMap<>(); // by nonce
  private long scannedFrames; // the last L1 block whose frames were read
  private long scannedDeposits; // the last L1 block whose deposits were read
  private final FrameSequence sequence = new FrameSequence(1); // the frames read, in L1 order
  private final List<Hash> checkedRoots = new ArrayList<>(); // outputs 0, 1, ... checked so far
  private volatile DerivationHalted halted;
  private PollingThread thread;

  /**
   * @param portal the Portal's deposits; its confirmations are not used (this follower's are)
   * @param startBlock the first L1 block to read (the contracts' deployment block, or 0)
   * @param confirmations L1 blocks on top of a block before the follower reads it
   */
  public L1Follower(
      FollowerLedger ledger,
      Web3j l1,
      PostedBatches inbox,
      PostedOutputs oracle,
      PortalDeposits portal,
      long startBlock,
      int confirmations) {
    if (startBlock < 0 || confirmations < 0) {
      throw new IllegalArgumentException(
          "start block and confirmations must not be negative: "
              + startBlock
              + ", "
              + confirmations);
    }
    this.ledger = ledger;
    this.l1 = l1;
    this.inbox = inbox;
    this.oracle = oracle;
    this.portal = portal;
    this.confirmations = confirmations;
    this.scannedFrames = startBlock - 1;
    this.scannedDeposits = startBlock - 1;
  }

  /** The report that halted this follower, or null while it follows. */
  public DerivationHalted halted() {
    return halted;
  }

  /** How many outputs of the oracle this follower has checked (indexes 0 to this, exclusive). */
  public synchronized long checkedOutputs() {
    return checkedRoots.size();
  }

  /**
   * Derives every L2 block the final L1 blocks hold that it has not yet, then checks the outputs
   * posted for blocks it has; returns the head.
   *
   * @throws DerivationHalted when the chain on L1 breaks a rule (then on every later call)
   * @throws UncheckedIOException when L1 does not answer (retry later: nothing is lost)
   */
  public synchronized long followOnce() {
    if (halted != null) {
      throw halted;
    }
    try {
      long to = inbox.latestBlock() - confirmations;
      confirmedOracle = to >= 0 ? oracle.at(to) : null;
      for (long from = scannedFrames + 1; from <= to; from += CHUNK) {
        long end = Math.min(to, from + CHUNK - 1);
        for (PostedBatches.Posted p : inbox.between(from, end)) {
          apply(p);
        }
        scannedFrames = end;
      }
      checkOutputs();
      return ledger.chain().headNumber();
    } catch (DerivationHalted h) {
      halted = h;
      LOG.error("follower halted: {}", h.getMessage());
      throw h;
    }
  }

  /** One frame: the blocks it completes after the head, in order. */
  private void apply(PostedBatches.Posted p) {
    FrameSequence.Step step;
    try {
      step = sequence.accept(p);
    } catch (IllegalArgumentException e) {
      throw halt(p, "its batch frame cannot be decoded: " + e.getMessage());
    }
    switch (step) {
      case FrameSequence.Repeat r ->
          LOG.warn(
              "L1 transaction {} repeats {}, already on L1: ignored",
              p.l1Transaction(),
              r.header());
      case FrameSequence.Stray s ->
          LOG.warn(
              "L1 transaction {} holds {}: ignored, {}", p.l1Transaction(), s.header(), s.why());
      case FrameSequence.Part part -> {
        // the block is complete with its last part
      }
      case FrameSequence.Gap g ->
          throw halt(
              p,
              "its frame holds "
                  + g.header()
                  + " but the inbox holds blocks only up to "
                  + (g.expected() - 1)
                  + ": L2 blocks "
                  + g.expected()
                  + ".."
                  + (g.header().firstBlock() - 1)
                  + " are missing");
      case FrameSequence.Complete c -> {
        List<BatchFrame.Block> blocks;
        try {
          blocks = c.blocks();
        } catch (IllegalArgumentException e) {
          throw halt(
              p,
              (c.header().whole()
                      ? "its batch frame"
                      : "L2 block "
                          + c.header().firstBlock()
                          + ", joined from its "
                          + c.header().parts()
                          + " parts,")
                  + " cannot be decoded: "
                  + e.getMessage());
        }
        for (BatchFrame.Block b : blocks) {
          if (b.number() > ledger.chain().headNumber()) {
            derive(b, p);
          }
        }
      }
    }
  }

  private void derive(BatchFrame.Block b, PostedBatches.Posted p) {
    long number = b.number();
    if (number != ledger.chain().headNumber() + 1) {
      throw halt(
          p,
          "L2 block "
              + number
              + " does not follow the derived head, block "
              + ledger.chain().headNumber());
    }
    List<Transaction> txs = new ArrayList<>(b.transactions().size());
    for (int i = 0; i < b.transactions().size(); i++) {
      try {
        txs.add(TransactionDecoder.decodeStored(b.transactions().get(i)));
      } catch (IllegalArgumentException e) {
        throw halt(p, "L2 block " + number + ": transaction " + i + ": " + e.getMessage());
      }
    }
    checkSequencingWindow(b, p);
    checkDeposits(b, txs, p);
    try {
      BlockView imported = ledger.importBlock(b.timestamp(), txs);
      LOG.debug("derived L2 block {} {}", number, imported.hash());
    } catch (Sequencer.BlockRefused e) {
      throw halt(p, "L2 block " + number + " cannot be applied: " + e.getMessage());
    }
    checkOutputs(); // while the block's state is certainly kept
  }

  /**
   * The sequencing window: the block's timestamp is at least the timestamp of the L1 block holding
   * its frame minus {@link Deposit#SEQUENCING_WINDOW_SECONDS}, so the sequencer cannot hold L2
   * time, and with it when deposits fall due, back against L1 time. (No bound ahead: the
   * sequencer's timestamps run ahead of its clock under sustained production faster than a block a
   * second, which cannot put a deposit off: it then falls due by L1 time, {@link #checkDeposits}.)
   */
  private void checkSequencingWindow(BatchFrame.Block b, PostedBatches.Posted p) {
    long l1Time = l1Timestamp(p.l1Block());
    long earliest = l1Time - Deposit.SEQUENCING_WINDOW_SECONDS;
    if (b.timestamp() < earliest) {
      throw halt(
          p,
          "L2 block "
              + b.number()
              + " (timestamp "
              + b.timestamp()
              + ") is posted past the "
              + Deposit.SEQUENCING_WINDOW_SECONDS
              + "-second sequencing window: L1 block "
              + p.l1Block()
              + " has timestamp "
              + l1Time
              + ", so the L2 blocks it carries must have a timestamp of at least "
              + earliest);
    }
  }

  /**
   * Forced inclusion: the block's deposit transactions are exactly the Portal's next deposits (as
   * logged in L1 blocks up to the batch's), in nonce order, and none logged {@link
   * Deposit#INCLUSION_WINDOW_SECONDS} or more before both the block's timestamp and the timestamp
   * of the L1 block holding its frame is left out. (The L1 time keeps a sequencer whose timestamps
   * run ahead of its clock from being held to deposits it cannot have seen yet; the L2 time keeps
   * blocks made before a deposit and posted late from being held to it.)
   */
  private void checkDeposits(BatchFrame.Block b, List<Transaction> txs, PostedBatches.Posted p) {
    readDeposits(p.l1Block());
    long next = BridgeModule.depositNonce(ledger.state().state(BlockRef.LATEST).orElseThrow());
    int credited = 0;
    for (int i = 0; i < txs.size(); i++) {
      if (!(txs.get(i) instanceof DepositTransaction d)) {
        continue;
      }
      long expected = next + credited;
      Logged onL1 = deposits.get(expected);
      String claimed = describe(d);
      if (onL1 == null) {
        throw halt(
            p,
            "forged deposit: L2 block "
                + b.number()
                + " credits "
                + claimed
                + " as deposit "
                + expected
                + ", which the Portal has not logged by L1 block "
                + p.l1Block());
      }
      Deposit want = onL1.deposit().deposit();
      if (!java.util.Arrays.equals(want.toTransaction().encode(), d.encode())) {
        throw halt(
            p,
            "deposit "
                + expected
                + " (L1 block "
                + onL1.l1Block()
                + ": "
                + want.amount()
                + " base units from "
                + want.from()
                + " to "
                + want.to()
                + ") comes next, but L2 block "
                + b.number()
                + " credits "
                + claimed
                + " (a forged, repeated or reordered deposit)");
      }
      credited++;
    }
    if (credited >= LedgerConfig.MAX_DEPOSITS_PER_BLOCK) {
      return; // a full block of deposits: the rest may wait for the next
    }
    Logged due = deposits.get(next + credited);
    long l1Time = l1Timestamp(p.l1Block());
    long dueBy =
        due == null ? Long.MAX_VALUE : due.l1Timestamp() + Deposit.INCLUSION_WINDOW_SECONDS;
    if (dueBy <= b.timestamp() && dueBy <= l1Time) {
      throw halt(
          p,
          "deposit "
              + due.deposit().deposit().nonce()
              + " (L1 block "
              + due.l1Block()
              + ", timestamp "
              + due.l1Timestamp()
              + ") was due by time "
              + dueBy
              + " (the "
              + Deposit.INCLUSION_WINDOW_SECONDS
              + "-second inclusion window), but L2 block "
              + b.number()
              + " (timestamp "
              + b.timestamp()
              + ", posted in L1 block "
              + p.l1Block()
              + " at timestamp "
              + l1Time
              + ") leaves it out");
    }
  }

  /** What a deposit transaction claims to credit, for a report. */
  private static String describe(DepositTransaction d) {
    if (!d.from().equals(BridgeModule.SYSTEM_SENDER) || !d.module().equals(BridgeModule.ADDRESS)) {
      return "a deposit transaction from " + d.from() + " to " + d.module();
    }
    try {
      List<Object> a = BridgeModule.FINALIZE_DEPOSIT.decodeArguments(d.data());
      return "deposit "
          + a.get(0)
          + " ("
          + ((BigInteger) a.get(3))
          + " base units from "
          + a.get(1)
          + " to "
          + a.get(2)
          + ")";
    } catch (RuntimeException e) {
      return "a deposit transaction whose calldata is no finalizeDeposit call";
    }
  }

  /** Reads the Portal's deposits logged in L1 blocks up to {@code through}. */
  private void readDeposits(long through) {
    while (scannedDeposits < through) {
      long end = Math.min(through, scannedDeposits + CHUNK);
      for (PortalDeposits.L1Deposit d : portal.depositsIn(scannedDeposits + 1, end)) {
        deposits.putIfAbsent(d.deposit().nonce(), new Logged(d, l1Timestamp(d.l1Block())));
      }
      scannedDeposits = end;
    }
  }

  private long l1Timestamp(long block) {
    Long cached = l1Timestamps.get(block);
    if (cached != null) {
      return cached;
    }
    try {
      EthBlock b =
          l1.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false)
              .send();
      if (b.hasError() || b.getBlock() == null) {
        throw new IllegalStateException("L1 has no block " + block);
      }
      long t = b.getBlock().getTimestamp().longValueExact();
      l1Timestamps.put(block, t);
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException("L1 unreachable (eth_getBlockByNumber)", e);
    }
  }

  /** Compares each posted output whose block is derived with the root computed here. */
  private void checkOutputs() {
    PostedOutputs outputs = confirmedOracle;
    if (outputs == null) {
      return; // L1 has fewer blocks than the confirmations
    }
    long next = outputs.nextOutputIndex();
    // the challenger deleted outputs (and the proposer may have posted others at their indexes):
    // check again from the first index whose root is not the one checked
    while (!checkedRoots.isEmpty()
        && (checkedRoots.size() > next
            || !outputs.get(checkedRoots.size() - 1).outputRoot().equals(checkedRoots.getLast()))) {
      checkedRoots.removeLast();
    }
    while (checkedRoots.size() < next) {
      PostedOutputs.Output o = outputs.get(checkedRoots.size());
      if (o.l2BlockNumber() > ledger.chain().headNumber()) {
        return; // not derived yet
      }
      BlockView block = ledger.chain().block(BlockRef.number(o.l2BlockNumber())).orElseThrow();
      StateReader state;
      try {
        state = ledger.state().state(BlockRef.number(o.l2BlockNumber())).orElseThrow();
      } catch (StateUnavailableException e) {
        LOG.warn(
            "output {} (L2 block {}) not checked: {}",
            o.index(),
            o.l2BlockNumber(),
            e.getMessage());
        checkedRoots.add(o.outputRoot());
        continue;
      }
      OutputRoot ours = OutputRoot.of(block, state);
      if (!ours.hash().equals(o.outputRoot())) {
        String where =
            oracle
                .proposal(o)
                .map(
                    x ->
                        "posted by L1 transaction "
                            + x.l1Transaction()
                            + " in L1 block "
                            + x.l1Block())
                .orElse("posting transaction not found on L1");
        throw new DerivationHalted(
            "output "
                + o.index()
                + " for L2 block "
                + o.l2BlockNumber()
                + " ("
                + where
                + ") is "
                + o.outputRoot()
                + " but the chain derived from L1 gives "
                + ours.hash()
                + " (state root "
                + ours.stateRoot()
                + ", withdrawals root "
                + ours.withdrawalsRoot()
                + ", block hash "
                + ours.blockHash()
                + ")");
      }
      LOG.debug("output {} for L2 block {} checks", o.index(), o.l2BlockNumber());
      checkedRoots.add(o.outputRoot());
    }
  }

  private static DerivationHalted halt(PostedBatches.Posted p, String what) {
    return new DerivationHalted(
        "L1 transaction " + p.l1Transaction() + " (L1 block " + p.l1Block() + "): " + what);
  }

  /**
   * Runs {@link #followOnce()} every {@code poll} on a daemon thread until {@link #close()}; an L1
   * error is logged and retried, a halt is handed to {@code onHalt} once and ends the derivation.
   */
  public L1Follower start(Duration poll, Consumer<DerivationHalted> onHalt) {
    thread =
        new PollingThread(
            "l1-follower",
            poll,
            () -> {
              if (halted != null) {
                return;
              }
              try {
                followOnce();
              } catch (DerivationHalted h) {
                onHalt.accept(h);
              }
            },
            LOG,
            "following L1");
    return this;
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.close();
    }
  }
}
