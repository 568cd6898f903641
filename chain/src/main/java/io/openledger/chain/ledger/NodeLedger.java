package io.openledger.chain.ledger;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.BlockExecutor;
import io.openledger.chain.exec.Call;
import io.openledger.chain.exec.SimulationResult;
import io.openledger.chain.exec.Simulator;
import io.openledger.chain.exec.SkippedTransaction;
import io.openledger.chain.exec.TransactionValidator;
import io.openledger.chain.exec.ValidationResult;
import io.openledger.chain.mempool.Admission;
import io.openledger.chain.mempool.Mempool;
import io.openledger.chain.sequencer.CommittedBlock;
import io.openledger.chain.sequencer.Sequencer;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.state.Account;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.StateKeys;
import io.openledger.chain.state.StatePruner;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.StateRetention;
import io.openledger.chain.state.Supply;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.LogIndex;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.Snapshot;
import io.openledger.chain.store.StorageException;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.trie.MissingNodeException;
import io.openledger.chain.trie.SparseMerkleProof;
import io.openledger.chain.tx.DecodeResult;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionDecoder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Ledger} of a node: RocksDB, the mempool and the sequencer in one process. */
final class NodeLedger implements FollowerLedger {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLedger.class);

  /** {@code eth_getCode} of a system module: 0xfe, an opcode no EVM runs, as "code is here". */
  static final byte[] MODULE_CODE_MARKER = {(byte) 0xfe};

  /** Suggested tip when recent blocks say nothing: 0.001 gwei, as OP-Stack chains suggest. */
  static final Amount TIP_FLOOR = Amount.of(1_000_000L);

  /** Below this many transactions, a batch is decoded on the caller's thread. */
  private static final int PARALLEL_DECODE_MIN = 16;

  private record Head(BlockHeader header, Hash hash) {}

  private final KeyValueStore store;
  private final KeyValueStore poolStore;
  private final ChainSpec spec;
  private final StateDatabase states;
  private final ChainStore chain;
  private final TransactionDecoder decoder;
  private final Mempool pool;
  private final PendingJournal journal;
  private final Sequencer sequencer;
  private final Simulator simulator;
  private final Subscribers subscribers = new Subscribers();
  private final RecentTips tips = new RecentTips(TIP_FLOOR);
  private final ExecutorService decoders;
  private final int decoderThreads;
  private final Object admission = new Object();
  private final boolean syncAdmissions;
  private final LogQuery logQuery;
  private final PendingBlock pendingBlock;
  private final StatePruner pruner;

  /** Oldest block whose state is whole; older ones were pruned. */
  private volatile long stateFrom;

  private volatile Head head;
  private volatile boolean closed;

  /** A follower's ledger: no production, no pool; blocks come from {@link #importBlock}. */
  private final boolean follower;

  /** Subdirectory of the data directory holding the persisted pool ({@code PENDING_TXS}). */
  static final String POOL_DIR = "pool";

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
    this.spec = spec;
    this.states = new StateDatabase(store);
    this.chain = new ChainStore(store);
    this.decoder = new TransactionDecoder(spec.chainId());
    Durability durability = config.syncWrites() ? Durability.SYNC : Durability.BUFFERED;

    this.head = openChain(dir, durability, clock);
    indexLogsOfOlderStore();
    this.pruner = new StatePruner(config.stateRetention());
    openStateHistory(config.stateRetention());
    BlockExecutor executor = new BlockExecutor(spec.protocol(), states);
    this.simulator = new Simulator(spec.protocol(), states);
    this.pool =
        new Mempool(
            config.mempool(),
            this::headAccount,
            nextBaseFeeAfter(head.header()),
            this::admissionCheck);
    this.sequencer =
        new Sequencer(
            config.sequencer(),
            store,
            executor,
            pool,
            spec.protocol(),
            new Sequencer.Identity(spec.sequencer(), spec.gasLimit()),
            clock,
            durability,
            head.header(),
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
    this.journal =
        new PendingJournal(
            poolStore,
            config.syncWrites() && config.syncAdmissions() ? Durability.SYNC : Durability.BUFFERED);
    this.syncAdmissions = config.syncWrites() && config.syncAdmissions();
    this.decoderThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    this.decoders =
        Executors.newFixedThreadPool(
            decoderThreads, Thread.ofPlatform().name("tx-decoder-", 0).daemon().factory());
    this.logQuery = new LogQuery();
    this.pendingBlock =
        new PendingBlock(
            spec.protocol(),
            states,
            store,
            pool,
            clock,
            spec.gasLimit(),
            spec.sequencer(),
            config.sequencer().maxTransactionsPerBlock(),
            chain::hashByNumber);
    reloadPending();
    sequencer.start();
  }

  // ---- opening ----

  /** Writes genesis on a fresh store, or checks the store was made for this genesis. */
  private Head openChain(Path dir, Durability durability, InstantSource clock) {
    checkSchema(dir, durability);
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
      return new Head(genesis.block().header(), genesis.hash());
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
    return new Head(header, headHash);
  }

  /**
   * Refuses a store in a layout this node does not know (written by a newer node). A store written
   * before schema versions existed has version 1's layout: it is read as version 1 and marked so.
   */
  private void checkSchema(Path dir, Durability durability) {
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
  private void indexLogsOfOlderStore() {
    if (!LogIndex.isComplete(store)) {
      long logs = LogIndex.backfill(store, store::newBatch, head.header().number());
      LOG.info("indexed {} logs of blocks 0 to {}", logs, head.header().number());
    }
  }

  /**
   * An archive run forgets the deletions a pruning run left pending (it keeps no revival marks, so
   * a later pruning run could otherwise delete a node it created again); states already pruned stay
   * unavailable.
   */
  private void openStateHistory(StateRetention retention) {
    if (retention instanceof StateRetention.Archive) {
      int dropped = StatePruner.abandonPending(store);
      if (dropped > 0) {
        LOG.info("archive mode: dropped {} pending pruning journals", dropped);
      }
    }
    stateFrom = StatePruner.firstAvailable(store);
    if (stateFrom > 0) {
      LOG.info("state is kept from block {} on ({})", stateFrom, retention.describe());
    }
  }

  /** Re-admits the persisted pool; what no longer fits (mined, stale) is deleted. */
  private void reloadPending() {
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

  // ---- state helpers ----

  private Account headAccount(Address address) {
    return accountAt(head.header().stateRoot(), address);
  }

  private Account accountAt(Hash root, Address address) {
    return states
        .tree()
        .get(root, StateKeys.account(address))
        .map(Account::decode)
        .orElse(Account.EMPTY);
  }

  /**
   * The protocol's checks under the rules of the block the transaction would go into (head + 1), so
   * that a rule change activating at the next block already governs what the pool admits.
   */
  private Optional<String> admissionCheck(Transaction tx, Account pending, Amount nextBaseFee) {
    BlockHeader parent = head.header();
    Hash root = parent.stateRoot();
    TransactionValidator validator =
        new TransactionValidator(spec.protocol().rulesAt(parent.number() + 1, states.at(root)));
    ValidationResult r =
        validator.validateForAdmission(
            tx, pending, nextBaseFee, spec.gasLimit(), new LazyState(() -> states.at(root)));
    return r instanceof ValidationResult.Invalid i ? Optional.of(i.message()) : Optional.empty();
  }

  private Amount nextBaseFeeAfter(BlockHeader parent) {
    var fees = spec.protocol().rulesAt(parent.number() + 1).feeMarket();
    return parent.number() == 0
        ? fees.initialBaseFee()
        : fees.nextBaseFee(parent.gasUsed(), parent.gasLimit(), parent.baseFeePerGas());
  }

  // ---- after each block ----

  private void onCommitted(CommittedBlock committed) {
    Block block = committed.block();
    if (pruner.retention() instanceof StateRetention.KeepLast) {
      stateFrom = StatePruner.firstAvailable(store);
    }
    head = new Head(block.header(), committed.hash());
    List<Hash> deletes = new ArrayList<>();
    for (Transaction tx : block.transactions()) {
      deletes.add(tx.hash());
    }
    for (Transaction stale : pool.onBlockCommitted(block.transactions(), sequencer.nextBaseFee())) {
      deletes.add(stale.hash());
    }
    List<Hash> dropped = committed.dropped().stream().map(s -> s.transaction().hash()).toList();
    pool.removeAll(dropped);
    deletes.addAll(dropped);
    for (SkippedTransaction s : committed.dropped()) {
      LOG.debug("dropped {}: {}", s.transaction().hash(), s.reason().message());
    }
    if (!deletes.isEmpty()) {
      journal.record(List.of(), deletes);
    }
    tips.record(block);
    if (!subscribers.isEmpty()) {
      BlockView view = committedView(committed);
      List<LogView> logs = new ArrayList<>();
      List<Transaction> txs = block.transactions();
      int firstLog = 0;
      for (int i = 0; i < txs.size(); i++) {
        var receipt = committed.receipts().get(i);
        logs.addAll(
            Views.logs(receipt, firstLog, block.number(), committed.hash(), txs.get(i).hash(), i));
        firstLog += receipt.logs().size();
      }
      subscribers.publish(view, logs);
    }
  }

  private BlockView committedView(CommittedBlock committed) {
    Block block = committed.block();
    List<TransactionView> txs = new ArrayList<>();
    for (int i = 0; i < block.transactions().size(); i++) {
      txs.add(
          Views.transaction(
              block.transactions().get(i),
              committed.senders().get(i),
              new TransactionView.Inclusion(committed.hash(), block.number(), i),
              block.header().baseFeePerGas()));
    }
    return Views.block(
        block.header(), committed.hash(), encodedSize(block.header(), block.transactions()), txs);
  }

  /**
   * Bytes of {@link Block#encode()}, {@code rlp([header, [bytes(tx)...]])}, without encoding it
   * again: a block of 10,000 transfers is about a megabyte.
   */
  static long encodedSize(BlockHeader header, List<Transaction> txs) {
    long list = 0;
    for (Transaction tx : txs) {
      list += rlpLength(tx.size(), false);
    }
    long body = header.encode().length + rlpLength(list, true);
    return rlpLength(body, true);
  }

  /** Length of an RLP item whose payload is {@code payload} bytes (a list, or a byte string). */
  private static long rlpLength(long payload, boolean list) {
    if (!list && payload == 1) {
      return 1; // a single byte below 0x80 encodes as itself; a transaction is never that short
    }
    if (payload < 56) {
      return 1 + payload;
    }
    int lengthBytes = (64 - Long.numberOfLeadingZeros(payload) + 7) / 8;
    return 1 + lengthBytes + payload;
  }

  // ---- chain ----

  @Override
  public long chainId() {
    return spec.chainId();
  }

  @Override
  public long headNumber() {
    return head.header().number();
  }

  /** The header a ref names, if it exists at or below the head. */
  private Optional<Head> resolve(BlockRef ref, ChainStore c) {
    Head h = head;
    return switch (ref) {
      case BlockRef.Named n ->
          n.tag() == BlockRef.Tag.EARLIEST ? byNumber(0, h, c) : Optional.of(h);
      case BlockRef.Number n -> byNumber(n.number(), h, c);
      case BlockRef.ByHash b ->
          c.header(b.hash())
              .filter(x -> x.number() <= h.header().number())
              .map(x -> new Head(x, b.hash()));
    };
  }

  private static Optional<Head> byNumber(long number, Head h, ChainStore c) {
    if (number > h.header().number()) {
      return Optional.empty();
    }
    if (number == h.header().number()) {
      return Optional.of(h);
    }
    return c.hashByNumber(number).flatMap(hash -> c.header(hash).map(x -> new Head(x, hash)));
  }

  @Override
  public Optional<BlockView> block(BlockRef ref) {
    if (isPending(ref)) {
      return Optional.of(pending().view());
    }
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return resolve(ref, c).map(h -> blockView(h, c));
    }
  }

  @Override
  public Optional<BlockView> blockByHash(Hash hash) {
    return block(BlockRef.hash(hash));
  }

  private BlockView blockView(Head h, ChainStore c) {
    List<ChainStore.StoredTransaction> body = c.body(h.hash());
    List<TransactionView> txs = new ArrayList<>(body.size());
    List<Transaction> raw = new ArrayList<>(body.size());
    for (int i = 0; i < body.size(); i++) {
      ChainStore.StoredTransaction st = body.get(i);
      raw.add(st.tx());
      txs.add(
          Views.transaction(
              st.tx(),
              st.sender(),
              new TransactionView.Inclusion(h.hash(), h.header().number(), i),
              h.header().baseFeePerGas()));
    }
    return Views.block(h.header(), h.hash(), encodedSize(h.header(), raw), txs);
  }

  // ---- transactions ----

  @Override
  public SubmitResult submit(byte[] rawTransaction) {
    return submitAll(List.of(rawTransaction)).getFirst();
  }

  @Override
  public List<SubmitResult> submitAll(List<byte[]> raws) {
    if (follower) {
      return raws.stream().map(r -> SubmitResult.rejected(READ_ONLY)).toList();
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
  public Optional<TransactionView> transaction(Hash txHash) {
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      Optional<Mined> mined = mined(txHash, c);
      if (mined.isPresent()) {
        Mined m = mined.get();
        return Optional.of(
            Views.transaction(
                m.stored.tx(),
                m.stored.sender(),
                new TransactionView.Inclusion(m.block.hash(), m.block.header().number(), m.index),
                m.block.header().baseFeePerGas()));
      }
    }
    return pool.get(txHash).map(tx -> Views.transaction(tx, tx.sender(), null, null));
  }

  private record Mined(Head block, int index, ChainStore.StoredTransaction stored) {}

  /** A transaction in a block at or below the head. */
  private Optional<Mined> mined(Hash txHash, ChainStore c) {
    Head h = head;
    Optional<ChainStore.Location> loc = c.location(txHash);
    if (loc.isEmpty() || loc.get().blockNumber() > h.header().number()) {
      return Optional.empty();
    }
    ChainStore.Location l = loc.get();
    Optional<BlockHeader> header = c.header(l.blockHash());
    Optional<ChainStore.StoredTransaction> stored = c.transaction(l.blockHash(), l.index());
    if (header.isEmpty() || stored.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Mined(new Head(header.get(), l.blockHash()), l.index(), stored.get()));
  }

  @Override
  public Optional<TransactionView> transactionByBlock(BlockRef block, int index) {
    if (isPending(block)) {
      List<TransactionView> txs = pending().view().transactions();
      return index >= 0 && index < txs.size() ? Optional.of(txs.get(index)) : Optional.empty();
    }
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return resolve(block, c)
          .flatMap(
              h ->
                  c.transaction(h.hash(), index)
                      .map(
                          st ->
                              Views.transaction(
                                  st.tx(),
                                  st.sender(),
                                  new TransactionView.Inclusion(
                                      h.hash(), h.header().number(), index),
                                  h.header().baseFeePerGas())));
    }
  }

  @Override
  public Optional<ReceiptView> receipt(Hash txHash) {
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return mined(txHash, c)
          .flatMap(
              m ->
                  c.receipt(m.block.hash(), m.index)
                      .map(
                          r ->
                              Views.receipt(
                                  r.receipt(),
                                  r.firstLogIndex(),
                                  m.stored.tx(),
                                  m.stored.sender(),
                                  m.block.header(),
                                  m.block.hash(),
                                  m.index)));
    }
  }

  @Override
  public Optional<List<ReceiptView>> blockReceipts(BlockRef block) {
    if (isPending(block)) {
      return Optional.empty(); // receipts exist once a block is committed
    }
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return resolve(block, c)
          .map(
              h -> {
                List<ChainStore.StoredTransaction> body = c.body(h.hash());
                List<ChainStore.StoredReceipt> receipts = c.receipts(h.hash());
                List<ReceiptView> out = new ArrayList<>(receipts.size());
                for (int i = 0; i < receipts.size(); i++) {
                  ChainStore.StoredReceipt r = receipts.get(i);
                  out.add(
                      Views.receipt(
                          r.receipt(),
                          r.firstLogIndex(),
                          body.get(i).tx(),
                          body.get(i).sender(),
                          h.header(),
                          h.hash(),
                          i));
                }
                return out;
              });
    }
  }

  @Override
  public List<TransactionView> pendingTransactions() {
    return pool.all().stream().map(tx -> Views.transaction(tx, tx.sender(), null, null)).toList();
  }

  @Override
  public PoolContent poolContent() {
    Mempool.Content c = pool.content();
    return new PoolContent(
        c.pending().stream().map(tx -> Views.transaction(tx, tx.sender(), null, null)).toList(),
        c.queued().stream().map(tx -> Views.transaction(tx, tx.sender(), null, null)).toList());
  }

  @Override
  public Optional<byte[]> rawTransaction(Hash txHash) {
    try (Snapshot s = store.snapshot()) {
      Optional<Mined> mined = mined(txHash, new ChainStore(s));
      if (mined.isPresent()) {
        return Optional.of(mined.get().stored.tx().encode());
      }
    }
    return pool.get(txHash).map(Transaction::encode);
  }

  @Override
  public PoolStatus poolStatus() {
    int pending = pool.pendingCount();
    return new PoolStatus(pending, Math.max(0, pool.size() - pending));
  }

  // ---- accounts ----

  private static boolean isPending(BlockRef ref) {
    return ref instanceof BlockRef.Named n && n.tag() == BlockRef.Tag.PENDING;
  }

  private PendingBlock.Built pending() {
    Head h = head;
    return pendingBlock.on(h.header(), h.hash());
  }

  /**
   * The state a read at {@code ref} sees, and the block a call there runs in: a committed block's,
   * or for {@code pending} the block being built (its state after the pool's transactions).
   */
  private record StateAt(
      Hash root, StateDatabase db, Simulator simulator, BlockEnvironment env, Hash blockHash) {}

  private Optional<StateAt> stateAt(BlockRef ref) {
    if (isPending(ref)) {
      PendingBlock.Built p = pending();
      return Optional.of(new StateAt(p.stateRoot(), p.states(), p.simulator(), p.env(), null));
    }
    return resolve(ref, chain)
        .map(
            h -> {
              requireState(h.header().number());
              return new StateAt(
                  h.header().stateRoot(), states, simulator, simulationEnv(h), h.hash());
            });
  }

  /** Refuses a block whose state was pruned, with the words geth users know to look for. */
  private void requireState(long number) {
    long from = stateFrom;
    if (number >= from) {
      return;
    }
    String kept =
        switch (pruner.retention()) {
          case StateRetention.KeepLast k ->
              "this node keeps the state of the last "
                  + k.blocks()
                  + " blocks, from block "
                  + from
                  + "; run the node with --archive to keep all";
          case StateRetention.Archive a ->
              "this node's state starts at block " + from + ", pruned before it ran as an archive";
        };
    throw new StateUnavailableException(
        number, "state not available: block " + number + " was pruned (" + kept + ")");
  }

  /**
   * Runs a read at block {@code number}'s state. The pruner may delete that state while the read
   * walks it (the block left the kept window meanwhile): then the read fails as pruned, not as a
   * corrupt store.
   */
  private <T> T reading(long number, Supplier<T> read) {
    try {
      return read.get();
    } catch (MissingNodeException e) {
      stateFrom = Math.max(stateFrom, StatePruner.firstAvailable(store));
      requireState(number);
      throw e;
    }
  }

  @Override
  public Optional<Amount> balance(Address account, BlockRef block) {
    return stateAt(block)
        .map(s -> reading(s.env().number(), () -> s.db().at(s.root()).account(account).balance()));
  }

  @Override
  public Optional<StateReader> state(BlockRef block) {
    return stateAt(block)
        .map(
            s ->
                reading(
                    s.env().number(),
                    () -> new PrunableState(s.env().number(), s.db().at(s.root()))));
  }

  @Override
  public OptionalLong nonce(Address account, BlockRef block) {
    if (block instanceof BlockRef.Named n && n.tag() == BlockRef.Tag.PENDING) {
      return OptionalLong.of(pool.pendingNonce(account));
    }
    Optional<StateAt> s = stateAt(block);
    return s.isPresent()
        ? OptionalLong.of(
            reading(
                s.get().env().number(),
                () -> s.get().db().at(s.get().root()).account(account).nonce()))
        : OptionalLong.empty();
  }

  @Override
  public Optional<byte[]> code(Address account, BlockRef block) {
    return stateAt(block)
        .map(
            s ->
                spec.protocol().rulesAt(s.env().number()).modules().isModule(account)
                    ? MODULE_CODE_MARKER.clone()
                    : new byte[0]);
  }

  @Override
  public QueryResult<AccountProof> proof(Address account, List<Hash> storageKeys, BlockRef block) {
    Optional<StateAt> at = stateAt(block);
    if (at.isEmpty()) {
      return QueryResult.failed(QueryResult.FailureKind.NOT_FOUND, "header not found");
    }
    return reading(at.get().env().number(), () -> proofAt(at.get(), account, storageKeys));
  }

  private QueryResult<AccountProof> proofAt(StateAt at, Address account, List<Hash> storageKeys) {
    StateDatabase db = at.db();
    Hash root = at.root();
    Optional<byte[]> value = db.tree().get(root, StateKeys.account(account));
    Account a = value.map(Account::decode).orElse(Account.EMPTY);
    SparseMerkleProof proof = db.accountProof(root, account);
    StateReader reader = db.at(root);
    List<AccountProof.StorageProof> slots = new ArrayList<>();
    for (Hash key : storageKeys) {
      byte[] slot = key.toArray();
      slots.add(
          new AccountProof.StorageProof(
              key,
              reader.storage(account, slot).orElse(new byte[0]),
              List.of(db.storageProof(root, account, slot).encode())));
    }
    byte[] code =
        spec.protocol().rulesAt(at.env().number()).modules().isModule(account)
            ? MODULE_CODE_MARKER.clone()
            : new byte[0];
    return QueryResult.ok(
        new AccountProof(
            account,
            root,
            at.env().number(),
            value.isPresent(),
            a.balance(),
            a.nonce(),
            Hash.keccak256(code),
            root,
            List.of(proof.encode()),
            slots));
  }

  // ---- simulation ----

  private BlockEnvironment simulationEnv(Head h) {
    return BlockEnvironment.of(h.header()).withHistory(chain::hashByNumber);
  }

  private static Call toCall(CallRequest r) {
    return new Call(
        r.from(),
        r.to(),
        r.gas(),
        r.gasPrice(),
        r.maxFeePerGas(),
        r.maxPriorityFeePerGas(),
        r.value(),
        r.data());
  }

  private static CallResult toResult(SimulationResult r) {
    return switch (r) {
      case SimulationResult.Success s -> new CallResult.Success(s.returnData(), s.gasUsed());
      case SimulationResult.Reverted rv ->
          new CallResult.Reverted(rv.revertData(), rv.reason(), rv.gasUsed());
      case SimulationResult.Invalid i -> new CallResult.Invalid(i.message());
    };
  }

  @Override
  public CallResult call(CallRequest request, BlockRef block) {
    if (request.to() == null) {
      return new CallResult.Invalid(TransactionDecoder.CONTRACT_CREATION_NOT_SUPPORTED);
    }
    Optional<StateAt> s = stateAt(block);
    if (s.isEmpty()) {
      return new CallResult.Invalid("header not found");
    }
    StateAt at = s.get();
    return reading(
        at.env().number(),
        () -> toResult(at.simulator().call(at.root(), at.env(), toCall(request))));
  }

  @Override
  public CallResult estimateGas(CallRequest request, BlockRef block) {
    if (request.to() == null) {
      return new CallResult.Invalid(TransactionDecoder.CONTRACT_CREATION_NOT_SUPPORTED);
    }
    Optional<StateAt> s = stateAt(block);
    if (s.isEmpty()) {
      return new CallResult.Invalid("header not found");
    }
    StateAt at = s.get();
    return reading(
        at.env().number(),
        () -> toResult(at.simulator().estimateGas(at.root(), at.env(), toCall(request))));
  }

  // ---- fees ----

  @Override
  public Amount nextBaseFee() {
    return sequencer.nextBaseFee();
  }

  @Override
  public Amount maxPriorityFeePerGas() {
    return tips.suggestion();
  }

  @Override
  public Amount gasPrice() {
    return nextBaseFee().add(maxPriorityFeePerGas());
  }

  @Override
  public QueryResult<FeeHistory> feeHistory(
      int blockCount, BlockRef newest, List<Double> percentiles) {
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return FeeHistories.compute(
          blockCount,
          newest,
          percentiles,
          ref -> resolve(ref, c).map(Head::header),
          c,
          this::nextBaseFeeAfter);
    }
  }

  // ---- logs and subscriptions ----

  @Override
  public QueryResult<List<LogView>> logs(LogFilter filter) {
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return logQuery.run(
          filter,
          head.header().number(),
          ref -> resolve(ref, c).map(h -> new LogQuery.Header(h.header(), h.hash())),
          c,
          s);
    }
  }

  @Override
  public Subscription onNewHead(Consumer<BlockView> listener) {
    return subscribers.onNewHead(listener);
  }

  @Override
  public Subscription onLogs(LogFilter filter, Consumer<LogView> listener) {
    return subscribers.onLogs(filter, listener);
  }

  @Override
  public Subscription onPendingTransaction(Consumer<Hash> listener) {
    return subscribers.onPendingTransaction(listener);
  }

  // ---- production ----

  @Override
  public BlockView produceBlock() {
    if (closed) {
      throw new IllegalStateException("ledger is closed");
    }
    if (follower) {
      throw new IllegalStateException(READ_ONLY);
    }
    return committedView(sequencer.produce());
  }

  @Override
  public BlockView importBlock(long timestamp, List<Transaction> transactions) {
    if (closed) {
      throw new IllegalStateException("ledger is closed");
    }
    if (!follower) {
      throw new IllegalStateException("only a follower's ledger imports blocks");
    }
    return committedView(sequencer.importBlock(timestamp, transactions));
  }

  /** The supply counters at the head (tests and tools check the invariant with it). */
  Supply supply() {
    return states.at(head.header().stateRoot()).supply();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    sequencer.close();
    journal.close();
    subscribers.close();
    decoders.shutdownNow();
    poolStore.close();
    store.close();
  }

  /** A block's state whose reads fail as pruned if the pruner deletes it under them. */
  private final class PrunableState implements StateReader {
    private final long number;
    private final StateReader state;

    PrunableState(long number, StateReader state) {
      this.number = number;
      this.state = state;
    }

    @Override
    public Account account(Address address) {
      return reading(number, () -> state.account(address));
    }

    @Override
    public Optional<byte[]> storage(Address module, byte[] slot) {
      return reading(number, () -> state.storage(module, slot));
    }

    @Override
    public Supply supply() {
      return reading(number, state::supply);
    }
  }

  /** A state reader opened only when first used (the locked-OPEN message needs it rarely). */
  private static final class LazyState implements StateReader {
    private final Supplier<StateReader> open;
    private StateReader state;

    LazyState(Supplier<StateReader> open) {
      this.open = open;
    }

    private StateReader state() {
      if (state == null) {
        state = open.get();
      }
      return state;
    }

    @Override
    public Account account(Address address) {
      return state().account(address);
    }

    @Override
    public Optional<byte[]> storage(Address module, byte[] slot) {
      return state().storage(module, slot);
    }

    @Override
    public Supply supply() {
      return state().supply();
    }
  }
}
