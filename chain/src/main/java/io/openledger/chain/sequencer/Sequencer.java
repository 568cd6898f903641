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
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
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

  private volatile BlockHeader head;
  private volatile Hash headHash;
  private volatile boolean running;
  private Thread loop;

  /**
   * @param head the latest committed block (genesis on a fresh chain)
   * @param onCommitted called on the production thread after each block is durable and is the head,
   *     before the next block starts
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
            produce(true);
          }
        } else {
          boolean woken =
              wake.tryAcquire(Math.max(1, next - System.nanoTime()), TimeUnit.NANOSECONDS);
          wake.drainPermits();
          boolean due = System.nanoTime() >= next;
          if (running && (woken || due) && produce(due) != null) {
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

  /** Makes, commits and returns a block now, empty if nothing is pending. */
  public CommittedBlock produce() {
    return produce(true);
  }

  /**
   * @param evenIfEmpty when false and nothing is pending, makes no block and returns null
   */
  public CommittedBlock produce(boolean evenIfEmpty) {
    synchronized (production) {
      BlockHeader parent = head;
      long timestamp = Math.max(clock.millis() / 1000, parent.timestamp() + 1);
      FeeMarket fees = protocol.rulesAt(parent.number() + 1).feeMarket();
      BlockEnvironment env =
          BlockEnvironment.after(parent, timestamp, identity.gasLimit(), identity.coinbase(), fees)
              .withHistory(new ChainStore(store)::hashByNumber);
      long t0 = System.nanoTime();
      List<Transaction> due = deposits.due(parent);
      List<Transaction> pooled =
          pool.select(env.baseFee(), env.gasLimit(), config.maxTransactionsPerBlock());
      if (due.isEmpty() && pooled.isEmpty() && !evenIfEmpty) {
        return null;
      }
      List<Transaction> candidates = new ArrayList<>(due.size() + pooled.size());
      candidates.addAll(due); // deposits first: forced inclusion
      candidates.addAll(pooled);
      long t1 = System.nanoTime();
      ExecutedBlock executed = executor.execute(parent, env, candidates);
      long t2 = System.nanoTime();
      CommittedBlock committed = commit(executed);
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "block {} txs {} select {} ms, execute {} ms, commit+after {} ms",
            committed.block().number(),
            committed.block().transactions().size(),
            (t1 - t0) / 1_000_000,
            (t2 - t1) / 1_000_000,
            (System.nanoTime() - t2) / 1_000_000);
      }
      return committed;
    }
  }

  /**
   * Commits a block whose contents were decided elsewhere (a follower deriving the chain from L1):
   * on the head, at {@code timestamp}, with exactly {@code transactions} and nothing from the pool,
   * in the environment {@link #produce} uses (this sequencer's gas limit and coinbase, the base fee
   * by the fee market). The block is stored as a produced one.
   *
   * @throws BlockRefused when the timestamp does not follow the head's or a transaction does not
   *     apply on the head's state (the first one, with the executor's reason); nothing is written
   */
  public CommittedBlock importBlock(long timestamp, List<Transaction> transactions) {
    synchronized (production) {
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
      ExecutedBlock executed = executor.execute(parent, env, transactions);
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
      return commit(executed);
    }
  }

  /** A block {@link #importBlock} refuses; the message names the block and what is wrong. */
  public static final class BlockRefused extends RuntimeException {
    public BlockRefused(String message) {
      super(message);
    }
  }

  /** Writes an executed block in one batch, makes it the head and tells {@code onCommitted}. */
  private CommittedBlock commit(ExecutedBlock executed) {
    Block block = executed.block();
    List<Address> senders = new ArrayList<>(block.transactions().size());
    for (Transaction tx : block.transactions()) {
      senders.add(tx.sender());
    }
    Hash hash = block.hash();
    CommittedBlock committed = new CommittedBlock(executed, hash, senders);
    try (WriteBatch batch = store.newBatch()) {
      executed.stateCommit().writeTo(batch);
      ChainStore.putBlock(batch, block, senders, executed.receipts());
      pruner.onCommit(store, batch, block.number(), executed.stateCommit());
      batch.commit(durability);
    }
    head = block.header();
    headHash = hash;
    onCommitted.accept(committed);
    return committed;
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
      LOG.debug("sequencer stopped at block {}", head.number());
    }
  }
}
