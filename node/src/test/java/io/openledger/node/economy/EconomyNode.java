package io.openledger.node.economy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobClient;
import io.openledger.node.challenge.NodeRecordVerifier;
import io.openledger.node.devnet.NodeRunner;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.adapter.AdapterBundle;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real node with its data economy for end-to-end tests: the devnet genesis with short windows,
 * RocksDB and the blob store in a temp directory, the generated tiny model served with OpenLoRA on
 * a free port, and a plain HTTP client for JSON-RPC and the API. Dev account 9 is the operator. The
 * supply invariant and the datanet, inference, staking and challenge modules' audits are checked
 * after every block.
 */
public final class EconomyNode implements AutoCloseable {
  public static final EconomyParameters PARAMETERS =
      new EconomyParameters(
          5_000_000,
          10_000_000,
          10_000_000,
          20,
          1_000,
          2_000,
          2_000,
          5_000,
          Amount.ZERO,
          2, // challenge window, s
          30, // withdrawal delay, s
          30);

  public static final KeyPair OPERATOR = dev(9);

  public final Genesis genesis;
  public final NodeRunner runner;

  /** The served model's directory (the generated tiny model). */
  public final Path modelDir;

  /** A PEFT adapter of the served model, not uploaded yet. */
  public final Path adapterDir;

  public final List<String> auditFailures = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private EconomyNode(Genesis genesis, NodeRunner runner, Path modelDir, Path adapterDir) {
    this.genesis = genesis;
    this.runner = runner;
    this.modelDir = modelDir;
    this.adapterDir = adapterDir;
    runner.onBlock(
        b -> {
          StateReader s = ledger().state().state(BlockRef.number(b.number())).orElseThrow();
          SupplyAudit.check(s).ifPresent(p -> auditFailures.add("block " + b.number() + ": " + p));
          InferenceModule.audit(s)
              .ifPresent(p -> auditFailures.add("block " + b.number() + ": " + p));
          StakingModule.audit(s)
              .ifPresent(p -> auditFailures.add("block " + b.number() + ": " + p));
          DatanetModule.audit(s)
              .ifPresent(p -> auditFailures.add("block " + b.number() + ": " + p));
          ChallengeModule.audit(s)
              .ifPresent(p -> auditFailures.add("block " + b.number() + ": " + p));
          ModelModule.audit(s).ifPresent(p -> auditFailures.add("block " + b.number() + ": " + p));
        });
  }

  public static EconomyNode start(Path dir) {
    return start(dir, Batcher.Config.DEFAULT);
  }

  public static EconomyNode start(Path dir, Batcher.Config batching) {
    return start(dir, batching, PARAMETERS);
  }

  /** A node on the devnet genesis with these economy parameters. */
  public static EconomyNode start(Path dir, Batcher.Config batching, EconomyParameters economy) {
    Path model = TestModels.writeModel(dir.resolve("model"), ModelSpec.tiny());
    Path adapter =
        TestModels.writeAdapter(dir.resolve("adapter"), ModelSpec.tiny(), AdapterSpec.of(8, 7));
    Genesis g =
        Genesis.devnet().withTimestamp(Instant.now().getEpochSecond() - 300).withEconomy(economy);
    return new EconomyNode(g, startRunner(dir.resolve("node"), g, model, batching), model, adapter);
  }

  /** A node on the devnet genesis serving {@code model} and one of its adapters. */
  public static EconomyNode serving(Path dir, Path model, Path adapter) {
    Genesis g =
        Genesis.devnet()
            .withTimestamp(Instant.now().getEpochSecond() - 300)
            .withEconomy(PARAMETERS);
    return new EconomyNode(
        g, startRunner(dir.resolve("node"), g, model, Batcher.Config.DEFAULT), model, adapter);
  }

  static NodeRunner startRunner(Path data, Genesis g, Path model, Batcher.Config batching) {
    LedgerConfig config =
        LedgerConfig.DEFAULT
            .withSyncWrites(false)
            .withSequencer(
                SequencerConfig.DEFAULT
                    .withProduction(SequencerConfig.Production.WHEN_PENDING)
                    .withBlockInterval(Duration.ofMillis(100)));
    NodeRecordVerifier verifier = NodeRecordVerifier.unattached();
    return NodeRunner.start(
        new NodeRunner.Options(
            data,
            ChainSpec.from(g, verifier),
            config,
            "127.0.0.1",
            0,
            Optional.of(
                new EconomyService.Options(
                    data, OPERATOR, model, "127.0.0.1", 0, batching, Duration.ofHours(1)))),
        InstantSource.system(),
        Optional.of(verifier));
  }

  public static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  public Ledger ledger() {
    return runner.ledger();
  }

  public EconomyService economy() {
    return runner.economy().orElseThrow();
  }

  public StateReader state() {
    return ledger().state().state(BlockRef.LATEST).orElseThrow();
  }

  public URI api() {
    return economy().server().baseUri();
  }

  /** The JSON-RPC URL, as {@code --rpc} takes it. */
  public String rpcUrl() {
    return runner.rpc().httpUrl();
  }

  /** The API's URL without a trailing slash, as {@code --api} takes it. */
  public String apiUrl() {
    return api().toString().replaceAll("/$", "");
  }

  public String baseModel() {
    return economy().engine().model().id();
  }

  // ---- JSON-RPC ----

  public JsonNode rpc(String method, Object... params) throws IOException, InterruptedException {
    String body =
        Json.MAPPER.writeValueAsString(
            Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", List.of(params)));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(runner.rpc().httpUrl()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode n = Json.MAPPER.readTree(r.body());
    if (n.has("error")) {
      throw new RpcError(n.get("error").get("message").asText());
    }
    return n.get("result");
  }

  static final class RpcError extends RuntimeException {
    RpcError(String message) {
      super(message);
    }
  }

  /** A mined transaction: its receipt as JSON-RPC returns it. */
  public record Mined(JsonNode receipt) {
    public boolean success() {
      return receipt.get("status").asText().equals("0x1");
    }

    public Amount gasCost() {
      return Amount.of(
          quantity(receipt.get("gasUsed")).multiply(quantity(receipt.get("effectiveGasPrice"))));
    }

    List<JsonNode> logs() {
      List<JsonNode> out = new java.util.ArrayList<>();
      receipt.get("logs").forEach(out::add);
      return out;
    }
  }

  /** Sends a module call through eth_sendRawTransaction and waits for its receipt. */
  public Mined send(KeyPair from, Address to, byte[] data, Amount value)
      throws IOException, InterruptedException {
    long nonce =
        quantity(rpc("eth_getTransactionCount", from.address().toHex(), "pending")).longValue();
    byte[] raw =
        TransactionBuilder.eip1559(genesis.chainId())
            .nonce(nonce)
            .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
            .maxFeePerGas(Amount.of(10_000_000_000L))
            .gasLimit(3_000_000)
            .to(to)
            .value(value)
            .data(data)
            .sign(from)
            .encode();
    String hash = rpc("eth_sendRawTransaction", Bytes.toHex(raw)).asText();
    return awaitReceipt(hash);
  }

  public Mined awaitReceipt(String hash) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // liveness guard
    while (System.nanoTime() < deadline) {
      JsonNode r = rpc("eth_getTransactionReceipt", hash);
      if (r != null && !r.isNull()) {
        return new Mined(r);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no receipt for " + hash);
  }

  /** Sends and requires success, naming the revert reason otherwise. */
  /** What {@link #stakeAndServe} bonds: the experimental tier's minimum. */
  public Amount operatorStake() {
    return genesis.economy().staking().experimentalMinimum();
  }

  /**
   * The operator bonds {@link #operatorStake} (flexible) and declares the model on the staking
   * module, as the chain asks before it takes the operator's paid batches.
   */
  public void stakeAndServe(long modelId) throws IOException, InterruptedException {
    if (StakingModule.pool(state(), OPERATOR.address()).bondedStake().lessThan(operatorStake())) {
      ok(
          OPERATOR,
          StakingModule.ADDRESS,
          StakingModule.STAKE.encodeCall(
              OPERATOR.address(), BigInteger.valueOf(LockTerm.FLEXIBLE.code())),
          operatorStake());
    }
    ok(
        OPERATOR,
        StakingModule.ADDRESS,
        StakingModule.SERVE.encodeCall(BigInteger.valueOf(modelId)));
  }

  /** Sends a call and mines it; a {@code contribute} sends the genesis's bond. */
  public Mined ok(KeyPair from, Address to, byte[] data) throws IOException, InterruptedException {
    boolean contribute = to.equals(DatanetModule.ADDRESS) && DatanetModule.CONTRIBUTE.matches(data);
    return ok(from, to, data, contribute ? genesis.economy().contributionBond() : Amount.ZERO);
  }

  public Mined ok(KeyPair from, Address to, byte[] data, Amount value)
      throws IOException, InterruptedException {
    Mined m = send(from, to, data, value);
    if (!m.success()) {
      throw new AssertionError("transaction reverted: " + revertReason(from, to, data, value));
    }
    return m;
  }

  /** The reason eth_call gives for a call (what a reverted transaction said). */
  String revertReason(KeyPair from, Address to, byte[] data, Amount value)
      throws IOException, InterruptedException {
    try {
      rpc(
          "eth_call",
          Map.of(
              "from",
              from.address().toHex(),
              "to",
              to.toHex(),
              "data",
              Bytes.toHex(data),
              "value",
              "0x" + value.value().toString(16)),
          "latest");
      return "(eth_call succeeds now)";
    } catch (RpcError e) {
      return e.getMessage();
    }
  }

  /** A view through eth_call, decoded. */
  List<Object> view(Address module, AbiFunction f, Object... args)
      throws IOException, InterruptedException {
    JsonNode r =
        rpc(
            "eth_call",
            Map.of("to", module.toHex(), "data", Bytes.toHex(f.encodeCall(args))),
            "latest");
    return f.decodeResult(Bytes.fromHex(r.asText()));
  }

  public Amount balance(Address a) throws IOException, InterruptedException {
    return Amount.of(quantity(rpc("eth_getBalance", a.toHex(), "latest")));
  }

  static BigInteger quantity(JsonNode n) {
    return new BigInteger(n.asText().substring(2), 16);
  }

  /**
   * Makes blocks until the head's timestamp has passed {@code t} (each block is at least a second
   * after its parent, so this takes a block per second to cover, not wall time).
   */
  public void awaitChainTime(long t) {
    while (ledger().chain().block(BlockRef.LATEST).orElseThrow().timestamp() <= t) {
      ledger().produceBlock();
    }
  }

  // ---- the API ----

  /** An HTTP exchange with the API: status and body. */
  public record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

  public Answer post(String path, String json, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(api().resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), Json.MAPPER.readTree(r.body()), r);
  }

  public Answer get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(api().resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), Json.MAPPER.readTree(r.body()), r);
  }

  public BlobClient blobs() {
    return new BlobClient(api());
  }

  /** The adapter as a bundle file, uploaded by {@code owner}; returns its hash. */
  public Hash uploadAdapter(KeyPair owner, Path scratch) throws IOException, InterruptedException {
    return uploadBundle(adapterDir, owner, scratch.resolve("adapter.bundle"));
  }

  /**
   * Another adapter of the tiny model, generated from {@code seed} (its own greedy answers),
   * uploaded as a bundle by {@code owner}; returns its hash.
   */
  Hash uploadAdapter(KeyPair owner, Path scratch, long seed)
      throws IOException, InterruptedException {
    Path adapter =
        TestModels.writeAdapter(
            scratch.resolve("adapter-" + seed), ModelSpec.tiny(), AdapterSpec.of(8, seed));
    return uploadBundle(adapter, owner, scratch.resolve("adapter-" + seed + ".bundle"));
  }

  private Hash uploadBundle(Path adapter, KeyPair owner, Path bundle)
      throws IOException, InterruptedException {
    try (OutputStream out = Files.newOutputStream(bundle)) {
      AdapterBundle.write(adapter, out);
    }
    return blobs().upload(bundle, owner, BlobClient.Progress.NONE).hash();
  }

  @Override
  public void close() {
    runner.close();
  }
}
