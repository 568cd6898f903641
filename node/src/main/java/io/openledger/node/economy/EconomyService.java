package io.openledger.node.economy;

import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.economy.ParametersInForce;
import io.openledger.chain.exec.ProtocolRules;
import io.openledger.chain.governance.ParameterRegistryModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LocalSender;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.staking.StakingParameters;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobCollector;
import io.openledger.node.blob.BlobHttpApi;
import io.openledger.node.blob.DiskBlobStore;
import io.openledger.node.challenge.Auditor;
import io.openledger.node.challenge.NodeRecordVerifier;
import io.openledger.node.challenge.PublishedRecords;
import io.openledger.node.economy.api.EconomyApi;
import io.openledger.node.economy.api.PayoutBook;
import io.openledger.node.economy.cli.BaseModelHash;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.server.ExtensionRoute;
import io.openledger.openlora.server.OpenLoraServer;
import io.openledger.openlora.server.ServerConfig;
import io.openledger.openlora.server.ServerExtensions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data economy of one node, beside its chain: the blob store, the attribution indexes of the
 * published datanet versions, the OpenLoRA engine and its HTTP API made paid by the {@link
 * PaidInferenceGate}, the operator's record log and the {@link Batcher} that settles it on chain.
 *
 * <p>Under the data directory: {@code blobs/} (content-addressed blobs), {@code indexes/} (one
 * attribution index per datanet), {@code economy/} (RocksDB: the record log).
 */
public final class EconomyService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EconomyService.class);

  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<Consumer<StoredRecord>> recordListeners = new CopyOnWriteArrayList<>();
  private ParametersInForce inForce;
  private Supplier<StateReader> head;
  private DiskBlobStore blobs;
  private RecordLog records;
  private EconomyIndexer indexer;
  private PaidInferenceGate gate;
  private PayoutBook book;
  private Batcher batcher;
  private InferenceEngine engine;
  private OpenLoraServer server;
  private Hash baseModelHash;
  private NodeRecordVerifier verifier;
  private Auditor auditor;

  /**
   * How to run it.
   *
   * @param dataDir the node's data directory
   * @param operatorKey signs records and batches; the operator named by the models served here
   * @param modelDir the base model (Hugging Face layout) OpenLoRA serves
   * @param apiHost interface of the API (inference, blobs, economy)
   * @param apiPort its port (0: any free one)
   * @param batching when records go on chain
   * @param blobGrace how long an uploaded blob no on-chain record references is kept
   * @param publicUrl the URL others reach the API at, published with {@code setEndpoint} on the
   *     staking module; empty: {@code http://<api host>:<api port>} (127.0.0.1 for a wildcard host)
   * @param audit runs the {@link Auditor} with these settings; empty: no auditor
   * @param strictAdapterBase refuse adapters whose base_model_name_or_path does not name the served
   *     model ({@link EngineConfig#withStrictAdapterBase}); otherwise a warning
   */
  public record Options(
      Path dataDir,
      KeyPair operatorKey,
      Path modelDir,
      String apiHost,
      int apiPort,
      Batcher.Config batching,
      Duration blobGrace,
      Optional<String> publicUrl,
      Optional<Audit> audit,
      boolean strictAdapterBase) {

    /** No public URL given, no auditor, adapters of another base served with a warning. */
    public Options(
        Path dataDir,
        KeyPair operatorKey,
        Path modelDir,
        String apiHost,
        int apiPort,
        Batcher.Config batching,
        Duration blobGrace) {
      this(dataDir, operatorKey, modelDir, apiHost, apiPort, batching, blobGrace, false);
    }

    /** No public URL given, no auditor. */
    public Options(
        Path dataDir,
        KeyPair operatorKey,
        Path modelDir,
        String apiHost,
        int apiPort,
        Batcher.Config batching,
        Duration blobGrace,
        boolean strictAdapterBase) {
      this(
          dataDir,
          operatorKey,
          modelDir,
          apiHost,
          apiPort,
          batching,
          blobGrace,
          Optional.empty(),
          Optional.empty(),
          strictAdapterBase);
    }

    public Options withPublicUrl(String url) {
      return new Options(
          dataDir,
          operatorKey,
          modelDir,
          apiHost,
          apiPort,
          batching,
          blobGrace,
          Optional.of(url),
          audit,
          strictAdapterBase);
    }

    public Options withAudit(Audit a) {
      return new Options(
          dataDir,
          operatorKey,
          modelDir,
          apiHost,
          apiPort,
          batching,
          blobGrace,
          publicUrl,
          Optional.of(a),
          strictAdapterBase);
    }
  }

  /**
   * The auditor's settings.
   *
   * @param key pays its challenges' bonds (another account than the operator's on the devnet: dev
   *     account 8)
   * @param bond each challenge's bond (the genesis {@code challengeBond})
   * @param poll how often it looks for new batches
   */
  public record Audit(KeyPair key, Amount bond, Duration poll) {}

  private EconomyService() {}

  /**
   * Opens the stores, loads the model, catches the indexes up with the chain and starts the API.
   * Everything opened is closed again if a later step fails.
   */
  public static EconomyService start(Ledger ledger, ProtocolRules rules, Options o) {
    EconomyService s = new EconomyService();
    try {
      s.open(ledger, rules, o);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void open(Ledger ledger, ProtocolRules rules, Options o) {
    ParametersInForce inForce =
        (ParametersInForce)
            rules
                .modules()
                .get(ParameterRegistryModule.ADDRESS)
                .orElseThrow(
                    () -> new IllegalStateException("these rules have no parameter registry"));
    this.inForce = inForce;
    head = () -> ledger.state().state(BlockRef.LATEST).orElseThrow();
    try {
      blobs = keep(DiskBlobStore.open(o.dataDir().resolve("blobs"), InstantSource.system()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the blob store: " + e.getMessage(), e);
    }
    DatanetIndexes indexes = keep(new DatanetIndexes(o.dataDir().resolve("indexes")));
    records = keep(new RecordLog(RocksDbKeyValueStore.open(o.dataDir().resolve("economy"))));
    indexer = keep(new EconomyIndexer(ledger.state(), ledger.events(), blobs, indexes));
    indexer.start();
    indexer.awaitCatchUp();
    gate =
        new PaidInferenceGate(
            ledger.chain(),
            ledger.state(),
            o.operatorKey(),
            rules.treasury(),
            inForce,
            indexer,
            records,
            r -> recordListeners.forEach(l -> l.accept(r)));
    book =
        PayoutBook.load(
            records,
            o.operatorKey().address(),
            state -> inForce.in(state).inference().feeRule(),
            rules.treasury(),
            head);
    onRecord(book::add);
    batcher =
        keep(
            new Batcher(
                ledger.chain(),
                ledger.state(),
                ledger.fees(),
                ledger.intake(),
                ledger.events(),
                o.operatorKey(),
                records,
                inForce,
                rules.treasury(),
                o.batching(),
                rules.maxTransactionSize()));
    batcher.start();
    engine =
        keep(
            InferenceEngine.open(
                EngineConfig.of(o.modelDir())
                    .withBundleResolver(this::adapterFile)
                    .withStrictAdapterBase(o.strictAdapterBase())));
    baseModelHash = BaseModelHash.of(o.modelDir());
    List<ExtensionRoute> routes = new ArrayList<>();
    routes.addAll(
        new BlobHttpApi(
                blobs,
                BlobHttpApi.DEFAULT_MAX_BLOB_BYTES,
                new DatanetUploadCheck(ledger.state(), indexer))
            .routes());
    routes.addAll(new DatanetRoutes(ledger.state(), indexer).routes());
    ServerExtensions ext =
        new EconomyApi(
                records,
                book,
                head,
                o.operatorKey().address(),
                state -> inForce.in(state).staking(),
                ledger.chain()::logs)
            .mount(ServerExtensions.none().withGate(gate));
    for (ExtensionRoute r : routes) {
      ext = ext.withRoute(r.method(), r.path(), r.handler());
    }
    server =
        keep(
            OpenLoraServer.start(
                engine,
                ServerConfig.defaults()
                    .withHost(o.apiHost())
                    .withPort(o.apiPort())
                    .withMaxRequestBytes(BlobHttpApi.DEFAULT_MAX_BLOB_BYTES + 65_536),
                ext));
    startCollector(ledger.chain(), ledger.state(), o.blobGrace());
    verifier = NodeRecordVerifier.of(verifierEngines());
    publishEndpoint(ledger, o);
    if (o.audit().isPresent()) {
      Audit a = o.audit().get();
      boolean challengeModule = rules.modules().get(ChallengeModule.ADDRESS).isPresent();
      auditor =
          keep(
              new Auditor(
                  ledger.chain(),
                  ledger.state(),
                  ledger.fees(),
                  ledger.intake(),
                  verifier,
                  PublishedRecords.http(),
                  new Auditor.Config(
                      a.key(),
                      o.operatorKey().address(),
                      a.bond(),
                      o.dataDir().resolve("audit").resolve("cursor.json"),
                      100,
                      () -> challengeModule)));
      auditor.start(a.poll());
    }
  }

  /** The URL this node's records are published at ({@code GET {url}/v1/records}). */
  public String publicUrl() {
    return publicUrl;
  }

  private String publicUrl;

  /**
   * Sends {@code setEndpoint(url)} for the operator unless the chain holds that URL already, so
   * other nodes' auditors find its records. A refusal (no gas yet, a malformed URL) is logged, not
   * fatal: the node serves regardless, and auditors wait for the endpoint.
   */
  private void publishEndpoint(Ledger ledger, Options o) {
    String host =
        o.apiHost().equals("0.0.0.0") || o.apiHost().equals("::") ? "127.0.0.1" : o.apiHost();
    publicUrl = o.publicUrl().orElse("http://" + host + ":" + server.baseUri().getPort());
    Optional<String> bad = StakingModule.endpointProblem(publicUrl);
    if (bad.isPresent()) {
      throw new IllegalArgumentException("--public-url " + publicUrl + ": " + bad.get());
    }
    Address operator = o.operatorKey().address();
    StateReader state = ledger.state().state(BlockRef.LATEST).orElseThrow();
    if (StakingModule.endpoint(state, operator).equals(Optional.of(publicUrl))) {
      return;
    }
    byte[] data = StakingModule.SET_ENDPOINT.encodeCall(publicUrl);
    SubmitResult r =
        LocalSender.of(ledger)
            .send(o.operatorKey(), StakingModule.ADDRESS, Amount.ZERO, data, 200_000)
            .result();
    if (r instanceof SubmitResult.Accepted) {
      LOG.info("publishing this node's records at {} (setEndpoint)", publicUrl);
    } else {
      LOG.warn("cannot publish the endpoint {} on the staking module: {}", publicUrl, r);
    }
  }

  /** The bundle file of an adapter hash, when the blob store has it (checked when stored). */
  private Optional<Path> adapterFile(String adapterHash) {
    Hash h = Hash.fromHex(adapterHash);
    return blobs.exists(h) ? Optional.of(blobs.pathOf(h)) : Optional.empty();
  }

  /** Deletes unreferenced blobs past their grace period, every tenth of the period. */
  private void startCollector(ChainQueries chain, StateQueries states, Duration grace) {
    BlobCollector collector =
        new BlobCollector(blobs, referenced(chain, states), grace, InstantSource.system());
    ScheduledExecutorService every =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("blob-collector").factory());
    keep(every::shutdownNow);
    long period = Math.max(1, grace.toSeconds() / 10);
    every.scheduleWithFixedDelay(
        () -> {
          try {
            var deleted = collector.collect();
            if (!deleted.isEmpty()) {
              LOG.info("deleted {} unreferenced blobs", deleted.size());
            }
          } catch (IOException | RuntimeException e) {
            LOG.warn("blob collection failed: {}", e.toString());
          }
        },
        period,
        period,
        TimeUnit.SECONDS);
  }

  /** Every blob hash the chain refers to: contributions, their metadata, adapters. */
  private static java.util.function.Predicate<Hash> referenced(
      ChainQueries chain, StateQueries states) {
    return new java.util.function.Predicate<>() {
      private Set<Hash> known = Set.of();
      private long asOf = -1;

      @Override
      public synchronized boolean test(Hash h) {
        long head = chain.headNumber();
        if (head != asOf) {
          known = scan(states.state(BlockRef.LATEST).orElseThrow());
          asOf = head;
        }
        return known.contains(h);
      }
    };
  }

  private static Set<Hash> scan(StateReader state) {
    Set<Hash> out = new HashSet<>();
    long contributions = DatanetModule.contributionCount(state);
    for (long id = 1; id <= contributions; id++) {
      Contribution c = DatanetModule.readContribution(state, id).orElseThrow();
      out.add(c.blobHash());
      out.add(c.metadataHash());
    }
    long models = ModelModule.modelCount(state);
    for (long id = 1; id <= models; id++) {
      out.add(ModelModule.readModel(state, id).orElseThrow().adapterHash());
    }
    return out;
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  /** Told of every record once it is on disk. */
  public void onRecord(Consumer<StoredRecord> listener) {
    recordListeners.add(listener);
  }

  /** The tier minimums the gate and the chain hold this node's operator to, at the head. */
  public StakingParameters stakingParameters() {
    return inForce.in(head.get()).staking();
  }

  /** What every contribution sends with it now (the registry's {@code contributionBond}). */
  public Amount contributionBond() {
    return inForce.in(head.get()).contributionBond();
  }

  public DiskBlobStore blobs() {
    return blobs;
  }

  public RecordLog records() {
    return records;
  }

  public EconomyIndexer indexer() {
    return indexer;
  }

  public PaidInferenceGate gate() {
    return gate;
  }

  /** This operator's records, aggregated for the read API. */
  public PayoutBook book() {
    return book;
  }

  /** The verifier this node recomputes challenged records with (the auditor's). */
  public NodeRecordVerifier recordVerifier() {
    return verifier;
  }

  /**
   * Gives {@code rulesVerifier} (the one the node's rules decide challenges with, built before the
   * ledger opened) this node's engines.
   */
  public void attach(NodeRecordVerifier rulesVerifier) {
    rulesVerifier.attach(verifierEngines());
  }

  /** The auditor, when {@code --audit} runs one. */
  public Optional<Auditor> auditor() {
    return Optional.ofNullable(auditor);
  }

  public Batcher batcher() {
    return batcher;
  }

  public InferenceEngine engine() {
    return engine;
  }

  public OpenLoraServer server() {
    return server;
  }

  /**
   * What a {@link NodeRecordVerifier} recomputes challenged records with on this node: the indexes
   * (ready only when their hash is the chain's) and the served model's tokenizer.
   */
  public NodeRecordVerifier.Engines verifierEngines() {
    EconomyIndexer i = indexer;
    return new NodeRecordVerifier.Engines(
        new NodeRecordVerifier.Indexes() {
          @Override
          public Optional<String> notReady(List<DatanetIndexes.DatanetVersionRef> versions) {
            return i.notReady(versions);
          }

          @Override
          public io.openledger.attribution.trace.Tracer tracer(
              List<DatanetIndexes.DatanetVersionRef> versions) {
            return i.tracer(versions);
          }
        },
        Optional.of(engine),
        baseModelHash);
  }

  /** Stops the API first, then the batcher and indexer, then closes the stores. */
  @Override
  public void close() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", open.get(i), e.toString());
      }
    }
    open.clear();
  }
}
