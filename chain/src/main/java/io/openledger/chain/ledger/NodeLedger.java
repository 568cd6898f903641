package io.openledger.chain.ledger;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.exec.BlockExecutor;
import io.openledger.chain.mempool.Mempool;
import io.openledger.chain.sequencer.CommittedBlock;
import io.openledger.chain.sequencer.Sequencer;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.StatePruner;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.LogIndex;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.StorageException;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Hash;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Ledger} of a node: RocksDB, the mempool and the sequencer in one process. It opens (or
 * recovers) the store, wires the services over the shared store, head, pool and sequencer, moves
 * them on after each committed block, and closes it all in order.
 */
final class NodeLedger implements FollowerLedger {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLedger.class);

  /** Subdirectory of the data directory holding the persisted pool ({@code PENDING_TXS}). */
  static final String POOL_DIR = "pool";

  private final KeyValueStore store;
  private final KeyValueStore poolStore;
  private final ChainHead head;
  private final StateWindow window;
  private final Sequencer sequencer;
  private final Subscribers subscribers = new Subscribers();
  private final NodeChainQueries chain;
  private final NodeTransactionIntake intake;
  private final NodeStateQueries state;
  private final NodeFeeOracle fees;
  private volatile boolean closed;

  /** A follower's ledger: no production, no pool; blocks come from {@link #importBlock}. */
  private final boolean follower;

  static Ledger open(Path dataDir, ChainSpec spec, LedgerConfig config, InstantSource clock) {
    return open(dataDir, spec, config, clock, false);
  }

  /** A follower's ledger: never produces, refuses transactions, imports blocks. */
  static FollowerLedger openFollower(Path dataDir, ChainSpec spec, LedgerConfig config) {
    return open(
        dataDir,
        spec,
        config.withSequencer(
            config.sequencer().withProduction(SequencerConfig.Production.ON_DEMAND)),
        InstantSource.system(),
        true);
  }

  private static NodeLedger open(
      Path dataDir, ChainSpec spec, LedgerConfig config, InstantSource clock, boolean follower) {
    KeyValueStore store;
    KeyValueStore poolStore;
    try {
      store = RocksDbKeyValueStore.open(dataDir);
    } catch (StorageException e) {
      throw new LedgerOpenException(e.getMessage(), e);
    }
    try {
      poolStore = RocksDbKeyValueStore.open(dataDir.resolve(POOL_DIR));
    } catch (StorageException e) {
      store.close();
      throw new LedgerOpenException(e.getMessage(), e);
    }
    try {
      return new NodeLedger(store, poolStore, spec, config, clock, dataDir, follower);
    } catch (RuntimeException e) {
      poolStore.close();
      store.close();
      throw e;
    }
  }

  /**
   * @param poolStore the persisted pool, apart from the chain: a block's synced write (often
   *     hundreds of milliseconds under load) holds RocksDB's write queue, and admissions written to
   *     the same store would wait behind it
   */
  private NodeLedger(
      KeyValueStore store,
      KeyValueStore poolStore,
      ChainSpec spec,
      LedgerConfig config,
      InstantSource clock,
      Path dir,
      boolean follower) {
    this.follower = follower;
    this.store = store;
    this.poolStore = poolStore;
    StateDatabase states = new StateDatabase(store);
    ChainStore chainStore = new ChainStore(store);
    Durability durability = config.syncWrites() ? Durability.SYNC : Durability.BUFFERED;

    this.head = new ChainHead(openChain(store, spec, states, dir, durability, clock));
    indexLogsOfOlderStore(store, head.current().header().number());
    StatePruner pruner = new StatePruner(config.stateRetention());
    this.window = new StateWindow(store, config.stateRetention());
    AdmissionRules admission = new AdmissionRules(spec.protocol(), states, head, spec.gasLimit());
    Mempool pool =
        new Mempool(
            config.mempool(),
            admission::headAccount,
            NodeFeeOracle.nextBaseFeeAfter(spec.protocol(), head.current().header()),
            admission::check);
    this.sequencer =
        new Sequencer(
            config.sequencer(),
            store,
            new BlockExecutor(spec.protocol(), states),
            pool,
            spec.protocol(),
            new Sequencer.Identity(spec.sequencer(), spec.gasLimit()),
            clock,
            durability,
            head.current().header(),
            this::onCommitted,
            pruner);
    sequencer.depositsFrom(
        parent ->
            config
                .deposits()
                .finalFrom(
                    BridgeModule.depositNonce(states.at(parent.stateRoot())),
                    LedgerConfig.MAX_DEPOSITS_PER_BLOCK)
                .stream()
                .map(d -> (Transaction) d.toTransaction())
                .toList());
    PendingBlock pendingBlock =
        new PendingBlock(
            spec.protocol(),
            states,
            store,
            pool,
            clock,
            spec.gasLimit(),
            spec.sequencer(),
            config.sequencer().maxTransactionsPerBlock(),
            chainStore::hashByNumber);
    this.chain = new NodeChainQueries(spec.chainId(), store, head, pool, pendingBlock);
    this.intake =
        new NodeTransactionIntake(
            spec.chainId(),
            pool,
            poolStore,
            config.syncWrites() && config.syncAdmissions(),
            sequencer,
            subscribers);
    this.state =
        new NodeStateQueries(spec.protocol(), states, chainStore, head, pendingBlock, pool, window);
    this.fees = new NodeFeeOracle(spec.protocol(), store, head, sequencer);
    if (follower) {
      intake.refuseAll(READ_ONLY);
    }
    intake.reloadPersisted();
    sequencer.start();
  }

  // ---- opening ----

  /** Writes genesis on a fresh store, or checks the store was made for this genesis. */
  private static StoredHeader openChain(
      KeyValueStore store,
      ChainSpec spec,
      StateDatabase states,
      Path dir,
      Durability durability,
      InstantSource clock) {
    ChainStore chain = new ChainStore(store);
    checkSchema(store, dir, durability);
    Optional<Hash> stored = chain.genesisHash();
    // A devnet genesis without a timestamp takes the creation time, kept in the stored block 0.
    long createdAt =
        chain
            .hashByNumber(0)
            .flatMap(chain::header)
            .map(BlockHeader::timestamp)
            .orElse(clock.millis() / 1000);
    ChainSpec.GenesisBlock genesis = spec.genesisBlock(states, createdAt);
    if (stored.isEmpty()) {
      if (chain.headHash().isPresent()) {
        throw new LedgerOpenException(
            "data directory " + dir + " holds blocks but no genesis marker; it is not a node's");
      }
      try (WriteBatch batch = store.newBatch()) {
        genesis.state().writeTo(batch);
        ChainStore.putBlock(batch, genesis.block(), List.of(), List.of());
        ChainStore.putGenesisMarker(batch, genesis.hash(), spec.chainId());
        batch.commit(durability);
      }
      return new StoredHeader(genesis.block().header(), genesis.hash());
    }
    long storedChainId = chain.chainId().orElse(-1);
    if (!stored.get().equals(genesis.hash()) || storedChainId != spec.chainId()) {
      throw new LedgerOpenException(
          "data directory "
              + dir
              + " was made for another chain (chain id "
              + storedChainId
              + ", genesis "
              + stored.get()
              + "), not this one (chain id "
              + spec.chainId()
              + ", genesis "
              + genesis.hash()
              + "); use another data directory, or the genesis it was made with");
    }
    Hash headHash =
        chain
            .headHash()
            .orElseThrow(() -> new LedgerOpenException("data directory " + dir + " has no head"));
    BlockHeader header =
        chain
            .header(headHash)
            .orElseThrow(
                () -> new LedgerOpenException("data directory " + dir + " lost its head block"));
    return new StoredHeader(header, headHash);
  }

  /**
   * Refuses a store in a layout this node does not know (written by a newer node). A store written
   * before schema versions existed has version 1's layout: it is read as version 1 and marked so.
   */
  private static void checkSchema(KeyValueStore store, Path dir, Durability durability) {
    ChainStore chain = new ChainStore(store);
    long version;
    try {
      OptionalLong stored = chain.schemaVersion();
      if (stored.isEmpty()) {
        if (chain.genesisHash().isPresent()) {
          try (WriteBatch batch = store.newBatch()) {
            ChainStore.putSchemaVersion(batch);
            batch.commit(durability);
          }
          LOG.info("data directory {} predates schema versions: marked as version 1", dir);
        }
        return;
      }
      version = stored.getAsLong();
    } catch (IllegalStateException e) {
      throw new LedgerOpenException("data directory " + dir + ": " + e.getMessage(), e);
    }
    if (version > ChainStore.SCHEMA_VERSION) {
      throw new LedgerOpenException(
          "data directory "
              + dir
              + " was written by a newer OpenLedger (store schema version "
              + version
              + "; this node reads version "
              + ChainStore.SCHEMA_VERSION
              + "): run a newer node on it, or use another data directory");
    }
    if (version < 1) {
      throw new LedgerOpenException(
          "data directory " + dir + " has an unknown store schema version " + version);
    }
  }

  /** A store made before the log index had its blocks indexed once, here. */
  private static void indexLogsOfOlderStore(KeyValueStore store, long headNumber) {
    if (!LogIndex.isComplete(store)) {
      long logs = LogIndex.backfill(store, store::newBatch, headNumber);
      LOG.info("indexed {} logs of blocks 0 to {}", logs, headNumber);
    }
  }

  /** Moves every service on to a block the sequencer just committed. */
  private void onCommitted(CommittedBlock committed) {
    window.afterBlock();
    head.advance(new StoredHeader(committed.block().header(), committed.hash()));
    intake.afterBlock(committed, sequencer.nextBaseFee());
    fees.record(committed.block());
    subscribers.publish(committed);
  }

  @Override
  public ChainQueries chain() {
    return chain;
  }

  @Override
  public TransactionIntake intake() {
    return intake;
  }

  @Override
  public StateQueries state() {
    return state;
  }

  @Override
  public FeeOracle fees() {
    return fees;
  }

  @Override
  public ChainEvents events() {
    return subscribers;
  }

  @Override
  public BlockView produceBlock() {
    if (closed) {
      throw new IllegalStateException("ledger is closed");
    }
    if (follower) {
      throw new IllegalStateException(READ_ONLY);
    }
    return Views.committed(sequencer.produce());
  }

  @Override
  public BlockView importBlock(long timestamp, List<Transaction> transactions) {
    if (closed) {
      throw new IllegalStateException("ledger is closed");
    }
    if (!follower) {
      throw new IllegalStateException("only a follower's ledger imports blocks");
    }
    return Views.committed(sequencer.importBlock(timestamp, transactions));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    intake.stopAdmitting();
    sequencer.close();
    intake.close();
    subscribers.close();
    poolStore.close();
    store.close();
  }
}
