package io.openledger.chain.sequencer;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.BlockExecutor;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.FeeMarket;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.mempool.Mempool;
import io.openledger.chain.state.StatePruner;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single sequencer: takes pending transactions from the pool by effective priority fee, runs
 * them on the head state, and commits the block with ONE atomic write (header, transactions,
 * receipts, transaction locations, number index, state-tree nodes, head pointer), fsynced before
 * the block, or any receipt in it, becomes visible. So a receipt a client has seen survives a
 * crash. (The persisted pool lives in a store of its own; its entries for the block's transactions
 * are deleted after the commit, and any left by a crash are dropped when the pool is reloaded.)
 *
 * <p>The production loop is pipelined: block n+1 is selected and executed on block n's state (its
 * tree nodes staged in memory, {@link io.openledger.chain.state.StateDatabase#stage}) while block
 * n's batch is written and fsynced on the commit thread. Block n+1 is queued only once n is
 * durable, so blocks still become durable, and visible, strictly in order, and a crash loses at
 * most blocks no receipt of which was ever visible. A failed commit drops the block built on it;
 * the next one is built on the last durable block again (its transactions are still in the pool).
 *
 * <p>Timestamps come from the sequencer's clock in seconds but are never less than the parent's +
 * 1, so they strictly increase (under sustained production faster than one block a second they run
 * ahead of the clock). The base fee follows EIP-1559 from the parent.
 */
public final class Sequencer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);

  /**
   * Who makes blocks and how big they are.
   *
   * @param coinbase receives the priority fees; the {@code miner} of each block
   * @param gasLimit gas limit of every block
   */
  public record Identity(Address coinbase, long gasLimit) {}

  private final SequencerConfig config;
  private final KeyValueStore store;
  private final BlockExecutor executor;
  private final Mempool pool;
  private final ProtocolSchedule protocol;
  private final Identity identity;
  private final InstantSource clock;
  private final Durability durability;
  private final Consumer<CommittedBlock> onCommitted;
  private volatile DepositSource deposits = DepositSource.NONE;
  private final StatePruner pruner;
  private final Semaphore wake = new Semaphore(0);
  private final Object production = new Object();

  /** Writes blocks in order, one at a time, while the next one is built. */
  private final ExecutorService committer =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("block-commit").daemon().factory());

  /** The last block built and queued for commit, until it is known to be durable. */
  private InFlight inFlight;

  private volatile BlockHeader head;
  private volatile Hash headHash;
  private volatile boolean running;
  private Thread loop;

  /**
   * @param head the latest committed block (genesis on a fresh chain)
   * @param onCommitted called on the commit thread after each block is durable and is the head, in
   *     block order, before the next block is committed (the next block may already be executing)
   * @param pruner adds each block's state-pruning step to the block's batch
   */
  public Sequencer(
      SequencerConfig config,
      KeyValueStore store,
      BlockExecutor executor,
      Mempool pool,
      ProtocolSchedule protocol,
      Identity identity,
      InstantSource clock,
      Durability durability,
      BlockHeader head,
      Consumer<CommittedBlock> onCommitted,
      StatePruner pruner) {
    this.config = config;
    this.store = store;
    this.executor = executor;
    this.pool = pool;
    this.protocol = protocol;
    this.identity = identity;
    this.clock = clock;
    this.durability = durability;
    this.onCommitted = onCommitted;
    this.pruner = pruner;
    this.head = head;
    this.headHash = head.hash();
  }

  /** Where the deposits due in each block come from (none until set). */
  public void depositsFrom(DepositSource source) {
    this.deposits = java.util.Objects.requireNonNull(source, "source");
  }

  public BlockHeader head() {
    return head;
  }

  public Hash headHash() {
    return headHash;
  }

  public Identity identity() {
    return identity;
  }

  /** Base fee of the block after the head, base units per gas. */
  public Amount nextBaseFee() {
    return baseFeeAfter(head);
  }

  private Amount baseFeeAfter(BlockHeader parent) {
    FeeMarket fees = protocol.rulesAt(parent.number() + 1).feeMarket();
    return parent.number() == 0
        ? fees.initialBaseFee()
        : fees.nextBaseFee(parent.gasUsed(), parent.gasLimit(), parent.baseFeePerGas());
  }

  /** Starts the production thread ({@code INTERVAL} and {@code WHEN_PENDING} modes). */
  public void start() {
    if (config.production() == SequencerConfig.Production.ON_DEMAND || running) {
      return;
    }
    running = true;
    loop = Thread.ofPlatform().name("sequencer").daemon().start(this::run);
  }

  /** Tells a {@code WHEN_PENDING} sequencer that transactions arrived. */
  public void wake() {
    if (config.production() == SequencerConfig.Production.WHEN_PENDING) {
      wake.release();
    }
  }

  private void run() {
    long intervalNanos = config.blockInterval().toNanos();
    long next = System.nanoTime() + intervalNanos;
    while (running) {
      try {
        if (config.production() == SequencerConfig.Production.INTERVAL) {
          long wait = next - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          next = Math.max(next + intervalNanos, System.nanoTime());
          if (running) {
            produceNext(true);
          }
        } else {
          boolean woken =
              wake.tryAcquire(Math.max(1, next - System.nanoTime()), TimeUnit.NANOSECONDS);
          wake.drainPermits();
          boolean due = System.nanoTime() >= next;
          if (running && (woken || due) && produceNext(due)) {
            next = System.nanoTime() + intervalNanos;
          } else if (due) {
            next = System.nanoTime() + intervalNanos;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("block production failed; retrying", e);
        try {
          Thread.sleep(Math.min(1000, config.blockInterval().toMillis()));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Makes, commits and returns a block now, empty if nothing is pending; waits for a block still
   * being committed first, and for this one to be durable and handed to {@code onCommitted}.
   */
  public CommittedBlock produce() {
    return produce(true);
  }

  /**
   * @param evenIfEmpty when false and nothing is pending, makes no block and returns null
   */
  public CommittedBlock produce(boolean evenIfEmpty) {
    synchronized (production) {
      InFlight block = build(evenIfEmpty);
      return block == null ? null : awaitCommitted(block);
    }
  }

  /**
   * The production loop's step: builds the next block on the last one built, which may still be
   * committing, then hands it to the commit thread and returns without waiting for its write. So
   * block n+1 is selected and executed while block n's batch is written and fsynced, and a large
   * block does not delay the next by its commit.
   *
   * @return whether a block was made
   */
  private boolean produceNext(boolean evenIfEmpty) {
    synchronized (production) {
      return build(evenIfEmpty) != null;
    }
  }

  /**
   * Selects and executes the next block on the last block built, waits until that one is durable,
   * then stages the new block's state and queues its commit. Called holding {@code production}.
   *
   * @return the queued block, or null when nothing was pending and {@code evenIfEmpty} is false
   */
  private InFlight build(boolean evenIfEmpty) {
    InFlight previous = inFlight;
    BlockHeader parent = previous == null ? head : previous.block().header();
    long timestamp = Math.max(clock.millis() / 1000, parent.timestamp() + 1);
    FeeMarket fees = protocol.rulesAt(parent.number() + 1).feeMarket();
    ChainStore stored = new ChainStore(store);
    BlockEnvironment env =
        BlockEnvironment.after(parent, timestamp, identity.gasLimit(), identity.coinbase(), fees)
            .withHistory(
                number ->
                    previous != null && number == previous.block().number()
                        ? Optional.of(previous.hash())
                        : stored.hashByNumber(number));
    long t0 = System.nanoTime();
    List<Transaction> due = deposits.due(parent);
    List<Transaction> pooled =
        pool.select(
            env.baseFee(),
            env.gasLimit(),
            config.maxTransactionsPerBlock(),
            previous == null ? Map.of() : previous.nextNonces());
    if (due.isEmpty() && pooled.isEmpty() && !evenIfEmpty) {
      return null;
    }
    List<Transaction> candidates = new ArrayList<>(due.size() + pooled.size());
    candidates.addAll(due); // deposits first: forced inclusion
    candidates.addAll(pooled);
    long t1 = System.nanoTime();
    ExecutedBlock executed = executor.execute(parent, env, candidates);
    long t2 = System.nanoTime();
    if (previous != null) {
      awaitCommitted(previous); // throws if it failed: this block was built on it and is dropped
    }
    long t3 = System.nanoTime();
    InFlight queued = inFlight(executed, t0, t1, t2, t3);
    executor.states().stage(executed.stateCommit());
    inFlight = queued;
    try {
      queued.done = committer.submit(() -> commit(queued));
    } catch (RejectedExecutionException e) {
      executor.states().unstage(executed.stateCommit());
      inFlight = previous;
      throw new IllegalStateException("sequencer is closed", e);
    }
    return queued;
  }

  private static InFlight inFlight(ExecutedBlock executed, long t0, long t1, long t2, long t3) {
    Block block = executed.block();
    List<Address> senders = new ArrayList<>(block.transactions().size());
    Map<Address, Long> nextNonces = new HashMap<>();
    for (Transaction tx : block.transactions()) {
      senders.add(tx.sender());
      if (!(tx instanceof DepositTransaction)) {
        nextNonces.merge(tx.sender(), tx.nonce() + 1, Math::max);
      }
    }
    return new InFlight(
        new CommittedBlock(executed, block.hash(), senders), nextNonces, t0, t1, t2, t3);
  }

  /**
   * Commits a block whose contents were decided elsewhere (a follower deriving the chain from L1):
   * on the head, at {@code timestamp}, with exactly {@code transactions} and nothing from the pool,
   * in the environment {@link #produce} uses (this sequencer's gas limit and coinbase, the base fee
   * by the fee market). The block is stored as a produced one, on the caller's thread.
   *
   * @throws BlockRefused when the timestamp does not follow the head's or a transaction does not
   *     apply on the head's state (the first one, with the executor's reason); nothing is written
   */
  public CommittedBlock importBlock(long timestamp, List<Transaction> transactions) {
    synchronized (production) {
      InFlight previous = inFlight;
      if (previous != null) {
        awaitCommitted(previous);
      }
      BlockHeader parent = head;
      long number = parent.number() + 1;
      if (timestamp <= parent.timestamp()) {
        throw new BlockRefused(
            "block "
                + number
                + ": timestamp "
                + timestamp
                + " does not follow its parent's ("
                + parent.timestamp()
                + ")");
      }
      FeeMarket fees = protocol.rulesAt(number).feeMarket();
      BlockEnvironment env =
          BlockEnvironment.after(parent, timestamp, identity.gasLimit(), identity.coinbase(), fees)
              .withHistory(new ChainStore(store)::hashByNumber);
      long t0 = System.nanoTime();
      ExecutedBlock executed = executor.execute(parent, env, transactions);
      long t1 = System.nanoTime();
      if (!executed.skipped().isEmpty()) {
        var s = executed.skipped().getFirst();
        throw new BlockRefused(
            "block "
                + number
                + ": transaction "
                + s.transaction().hash()
                + " does not apply: "
                + s.reason().message());
      }
      return commit(inFlight(executed, t0, t0, t1, t1));
    }
  }

  /** A block {@link #importBlock} refuses; the message names the block and what is wrong. */
  public static final class BlockRefused extends RuntimeException {
    public BlockRefused(String message) {
      super(message);
    }
  }

  /**
   * Writes the block's one batch, then makes it the head and tells {@code onCommitted}: on the
   * commit thread for produced blocks, on the caller's for imported ones.
   */
  private CommittedBlock commit(InFlight queued) {
    CommittedBlock committed = queued.committed();
    ExecutedBlock executed = committed.executed();
    Block block = committed.block();
    long t4 = System.nanoTime();
    try (WriteBatch batch = store.newBatch()) {
      executed.stateCommit().writeTo(batch);
      ChainStore.putBlock(batch, block, committed.senders(), executed.receipts());
      pruner.onCommit(store, batch, block.number(), executed.stateCommit());
      batch.commit(durability);
    } finally {
      executor.states().unstage(executed.stateCommit());
    }
    long t5 = System.nanoTime();
    head = block.header();
    headHash = committed.hash();
    onCommitted.accept(committed);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "block {} txs {} select {} ms, execute {} ms, wait for parent {} ms, commit {} ms,"
              + " after {} ms",
          block.number(),
          block.transactions().size(),
          (queued.t1 - queued.t0) / 1_000_000,
          (queued.t2 - queued.t1) / 1_000_000,
          (queued.t3 - queued.t2) / 1_000_000,
          (t5 - t4) / 1_000_000,
          (System.nanoTime() - t5) / 1_000_000);
    }
    return committed;
  }

  /**
   * Waits until {@code queued} is durable and {@code onCommitted} has run for it.
   *
   * @throws IllegalStateException if its commit failed; the blocks built on it are dropped and the
   *     next one is built on the last durable block again
   */
  private CommittedBlock awaitCommitted(InFlight queued) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return queued.done.get();
        } catch (InterruptedException e) {
          interrupted = true; // the write goes on regardless: wait for its outcome
        } catch (ExecutionException e) {
          if (inFlight == queued) {
            inFlight = null;
          }
          throw new IllegalStateException(
              "commit of block " + queued.committed().block().number() + " failed", e.getCause());
        }
      }
    } finally {
      if (inFlight == queued && queued.done.isDone()) {
        inFlight = null;
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A block executed and queued for its commit.
   *
   * @param nextNonces each sender's next nonce after the block, for selecting the one after
   */
  private static final class InFlight {
    private final CommittedBlock committed;
    private final Map<Address, Long> nextNonces;
    private final long t0;
    private final long t1;
    private final long t2;
    private final long t3;
    private volatile Future<CommittedBlock> done;

    InFlight(
        CommittedBlock committed,
        Map<Address, Long> nextNonces,
        long t0,
        long t1,
        long t2,
        long t3) {
      this.committed = committed;
      this.nextNonces = nextNonces;
      this.t0 = t0;
      this.t1 = t1;
      this.t2 = t2;
      this.t3 = t3;
    }

    CommittedBlock committed() {
      return committed;
    }

    Block block() {
      return committed.block();
    }

    Hash hash() {
      return committed.hash();
    }

    Map<Address, Long> nextNonces() {
      return nextNonces;
    }
  }

  /** Stops producing; a block being committed completes first. */
  @Override
  public void close() {
    running = false;
    wake.release();
    Thread t = loop;
    if (t != null) {
      t.interrupt();
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (production) {
      InFlight last = inFlight;
      if (last != null) {
        try {
          awaitCommitted(last);
        } catch (IllegalStateException e) {
          LOG.error("the last block's commit failed", e);
        }
      }
      committer.shutdown();
      LOG.debug("sequencer stopped at block {}", head.number());
    }
  }
}
