package io.openledger.node.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.ledger.ChainAudit;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobClient;
import io.openledger.node.devnet.DemoSetup;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the real devnet (chain and economy in one process) with SIGKILL while clients send paid
 * inference requests with an API key, restarts it on the same data directory, and checks what payer
 * and operator rely on (issue 7, "If the node crashes, no served request goes unbatched and none is
 * batched twice"): every answered request keeps its receipt; the records are numbered 0..n-1
 * without a gap; the operator's batches cover them consecutively, each exactly once; every answered
 * receipt's Merkle proof verifies against its batch's root on chain; the escrow and the key were
 * debited exactly the sum of the records' fees; and every block replays, with the supply invariant
 * and the inference module's audit holding after each.
 */
class EconomyCrashTest {
  static final long CHAIN = Genesis.DEVNET_CHAIN_ID;
  static final Amount GWEI = Amount.of(1_000_000_000L);
  static final long BLOCK_TIME_MS = 250;
  static final int CLIENTS = 4;
  static final int MAX_TOKENS = 8;
  static final List<String> PROMPTS = List.of("The ledger", "Once upon", "Data is", "Hello");
  static final Amount PRICE_IN = Amount.of(new BigInteger("1000000000000000")); // 0.001
  static final Amount PRICE_OUT = Amount.of(new BigInteger("2000000000000000")); // 0.002
  static final Amount DEPOSIT = Amount.open(1_000);
  static final String API_KEY = "olk_economy_crash_test";
  static final Hash KEY_HASH = Hash.keccak256(API_KEY.getBytes(StandardCharsets.UTF_8));

  static final KeyPair DATANET_OWNER = dev(2);
  static final KeyPair MODEL_OWNER = dev(3);
  static final KeyPair PAYER = dev(4);
  static final KeyPair CONTRIBUTOR = dev(6);
  static final Address OPERATOR = DemoSetup.OPERATOR.address();

  /** Both compilers: the inference kernels are only fast once C2 compiles them. */
  static final List<String> ECONOMY_JVM = List.of("-Xmx1g", "-XX:+UseSerialGC");

  /** Batches often, so kills land between, during and after them. */
  static final List<String> BATCHING = List.of("--batch-every", "2");

  @TempDir Path work;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The adapter's model name, {@code base:0x<adapter hash>}. */
  private String model;

  /** What clients saw: receipt id → the {@code openledger} object of the 200 answer. */
  private final Map<String, JsonNode> answered = new ConcurrentHashMap<>();

  /** Answers that were neither 200 nor a retryable 503, with their bodies. */
  private final List<String> unexpected = new CopyOnWriteArrayList<>();

  /** Counted down by each answer: the kill waits for the load to be running. */
  private volatile CountDownLatch answering = new CountDownLatch(0);

  @Test
  void killedNodeBatchesEveryAnsweredRequestExactlyOnce() throws Exception {
    crashLoop(3, 17);
  }

  @Test
  @Tag("slow")
  void dozensOfKillsDuringPaidLoad() throws Exception {
    crashLoop(20, 4321);
  }

  private void crashLoop(int kills, long seed) throws Exception {
    Path dataDir = work.resolve("data");
    Path log = work.resolve("node.log");
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < kills; round++) {
      NodeProcess node = start(dataDir, log);
      try {
        if (round == 0) {
          setUp(node);
        } else {
          checkReceipts(node, "after kill " + round);
        }
        AtomicBoolean stop = new AtomicBoolean();
        answering = new CountDownLatch(CLIENTS);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          clients.add(Thread.ofPlatform().start(() -> sendPaid(node, client, stop)));
        }
        // Kill at a random moment of the load: 0.2 to 2.5 s after it is running.
        assertThat(answering.await(60, TimeUnit.SECONDS)).as("the load is answered").isTrue();
        Thread.sleep(200 + random.nextInt(2_300));
        node.kill();
        stop.set(true);
        for (Thread t : clients) {
          t.join();
        }
      } finally {
        node.close();
      }
    }
    NodeProcess last = start(dataDir, log);
    try {
      checkReceipts(last, "after the last kill");
      checkSettled(last);
    } finally {
      last.stop();
    }
    assertThat(unexpected).as("answers other than 200 and 503").isEmpty();
    ChainAudit.Report report = ChainAudit.run(dataDir, ChainSpec.from(Genesis.devnet()));
    assertThat(report.problems()).as("replay of every block").isEmpty();
    assertThat(inferenceAudit(dataDir)).as("inference module audit of every block").isEmpty();
  }

  private NodeProcess start(Path dataDir, Path log) throws Exception {
    // the generated tiny model, whose adapter the set-up registers (not the devnet's demo model)
    Path model = work.resolve(ModelSpec.tiny().name());
    if (!Files.exists(model.resolve("config.json"))) {
      TestModels.writeModel(model, ModelSpec.tiny());
    }
    List<String> args = new ArrayList<>(BATCHING);
    args.addAll(List.of("--model", model.toString()));
    return NodeProcess.start(
        dataDir, log, BLOCK_TIME_MS, NodeProcess.freePort(), ECONOMY_JVM, args);
  }

  // ---- the load ----

  /** One client's paid requests, one at a time, until the node dies or the round ends. */
  private void sendPaid(NodeProcess node, int client, AtomicBoolean stop) {
    try {
      for (int i = client; !stop.get(); i++) {
        String body =
            Json.MAPPER.writeValueAsString(
                Map.of(
                    "model",
                    model,
                    "prompt",
                    PROMPTS.get(i % PROMPTS.size()),
                    "max_tokens",
                    MAX_TOKENS,
                    "temperature",
                    0));
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(node.api.resolve("/v1/completions"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          JsonNode answer = Json.MAPPER.readTree(r.body());
          answered.put(answer.get("receipt_id").asText(), answer.get("openledger"));
          answering.countDown();
        } else if (r.statusCode() == 503) {
          Thread.sleep(50);
        } else {
          unexpected.add(r.statusCode() + " " + r.body());
        }
      }
    } catch (IOException | InterruptedException nodeGone) {
      // The node was killed: this round's load ends here.
    }
  }

  // ---- the checks ----

  /** Every answered request has its receipt, with the record and fee it was answered with. */
  private void checkReceipts(NodeProcess node, String when) throws Exception {
    for (var e : answered.entrySet()) {
      HttpResponse<String> r = get(node, "/v1/receipts/" + e.getKey());
      assertThat(r.statusCode()).as("%s: receipt %s", when, e.getKey()).isEqualTo(200);
      JsonNode record = Json.MAPPER.readTree(r.body()).get("record");
      assertThat(record.get("number").asLong()).isEqualTo(e.getValue().get("record").asLong());
      assertThat(record.get("fee").asText()).isEqualTo(e.getValue().get("fee").asText());
    }
  }

  /**
   * Waits until the operator's batches reach the last record, then checks that they cover records
   * 0..n-1 consecutively, that each answered receipt's proof verifies against its batch's root on
   * chain, and that the payer paid exactly the records' fees.
   */
  private void checkSettled(NodeProcess node) throws Exception {
    List<JsonNode> records = records(node);
    long n = records.size();
    BigInteger fees = BigInteger.ZERO;
    for (int i = 0; i < n; i++) {
      JsonNode r = records.get(i).get("record");
      assertThat(r.get("number").asLong()).as("record %d has no gap before it", i).isEqualTo(i);
      fees = fees.add(new BigInteger(r.get("fee").asText()));
    }
    assertThat(n).as("records written").isGreaterThanOrEqualTo(answered.size());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // liveness guard
    while (nextBatch(node).get(1).longValue() < n) {
      assertThat(System.nanoTime()).as("all %d records batched", n).isLessThan(deadline);
      Thread.sleep(100);
    }
    List<BigInteger> next = nextBatch(node);
    assertThat(next.get(1).longValue()).as("no record batched beyond the log").isEqualTo(n);

    // The batches: consecutive, each record once, their totals the fees.
    long covered = 0;
    BigInteger total = BigInteger.ZERO;
    List<Hash> roots = new ArrayList<>();
    for (long seq = 0; seq < next.get(0).longValue(); seq++) {
      List<Object> b = view(node, InferenceModule.BATCH, OPERATOR, BigInteger.valueOf(seq));
      assertThat(((BigInteger) b.get(1)).longValue()).as("batch %d starts", seq).isEqualTo(covered);
      covered += ((BigInteger) b.get(2)).longValue();
      total = total.add((BigInteger) b.get(3));
      roots.add(Hash.wrap((byte[]) b.get(0)));
    }
    assertThat(covered).as("records in all batches").isEqualTo(n);
    assertThat(total).as("batch totals").isEqualTo(fees);

    // Each answered receipt is in its batch, by a proof against the root on chain.
    for (String id : answered.keySet()) {
      JsonNode batch = Json.MAPPER.readTree(get(node, "/v1/receipts/" + id).body()).get("batch");
      assertThat(batch.isObject()).as("receipt %s is batched", id).isTrue();
      Hash root = roots.get(batch.get("seq").asInt());
      assertThat(batch.get("recordsRoot").asText()).isEqualTo(root.toHex());
      List<Hash> siblings = new ArrayList<>();
      batch.get("proof").forEach(h -> siblings.add(Hash.fromHex(h.asText())));
      RecordsMerkle.Proof proof =
          new RecordsMerkle.Proof(
              batch.get("index").asInt(), batch.get("recordCount").asInt(), siblings);
      assertThat(RecordsMerkle.verify(root, Hash.fromHex(id), proof))
          .as("proof of %s", id)
          .isTrue();
    }

    // The payer paid exactly the fees of the records, through its key.
    List<Object> escrow = view(node, InferenceModule.ESCROW_OF, PAYER.address());
    assertThat((BigInteger) escrow.get(0)).isEqualTo(DEPOSIT.value().subtract(fees));
    List<Object> key = view(node, InferenceModule.API_KEY, KEY_HASH.toArray());
    assertThat((BigInteger) key.get(2)).isEqualTo(fees);
  }

  /** Every record of the operator, from {@code GET /v1/records}. */
  private List<JsonNode> records(NodeProcess node) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    while (true) {
      JsonNode page =
          Json.MAPPER.readTree(get(node, "/v1/records?from=" + out.size() + "&limit=1000").body());
      page.get("records").forEach(out::add);
      if (out.size() >= page.get("next").asLong() || page.get("records").isEmpty()) {
        return out;
      }
    }
  }

  private List<BigInteger> nextBatch(NodeProcess node) throws Exception {
    return view(node, InferenceModule.NEXT_BATCH, OPERATOR).stream()
        .map(BigInteger.class::cast)
        .toList();
  }

  /** Replays nothing: reads each block's state and runs {@link InferenceModule#audit}. */
  private static List<String> inferenceAudit(Path dataDir) {
    List<String> problems = new ArrayList<>();
    try (KeyValueStore store = RocksDbKeyValueStore.open(dataDir)) {
      ChainStore chain = new ChainStore(store);
      StateDatabase states = new StateDatabase(store);
      long head = chain.header(chain.headHash().orElseThrow()).orElseThrow().number();
      for (long b = 0; b <= head; b++) {
        var header = chain.header(chain.hashByNumber(b).orElseThrow()).orElseThrow();
        long number = b;
        InferenceModule.audit(states.at(header.stateRoot()))
            .ifPresent(p -> problems.add("block " + number + ": " + p));
      }
    }
    return problems;
  }

  // ---- the economy, set up over JSON-RPC and the API ----

  /**
   * A datanet with one accepted contribution and its first version indexed, a paid model on it with
   * a generated adapter, served by the devnet's operator, and the payer's escrow and API key.
   */
  private void setUp(NodeProcess node) throws Exception {
    BlobClient blobs = new BlobClient(node.api);
    ok(
        node,
        DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.CREATE_DATANET.encodeCall(
            "crash", "texts", List.of("crash"), u(0), u(3), "text"),
        Amount.ZERO);
    Path text = work.resolve("contribution.txt");
    Files.writeString(text, "The ledger pays its contributors, once upon a time and again.\n");
    var up = blobs.upload(text, CONTRIBUTOR, Map.of("datanet", "1"), BlobClient.Progress.NONE);
    ok(
        node,
        CONTRIBUTOR,
        DatanetModule.ADDRESS,
        DatanetModule.CONTRIBUTE.encodeCall(
            u(1), up.hash().toArray(), u(up.size()), Hash.keccak256(new byte[] {1}).toArray()),
        EconomyParameters.DEVNET.contributionBond());
    ok(
        node,
        DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.APPROVE.encodeCall(u(1), u(90)),
        Amount.ZERO);
    JsonNode next = Json.MAPPER.readTree(get(node, "/v1/datanets/1/next-version").body());
    ok(
        node,
        DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.PUBLISH_VERSION.encodeCall(
            u(1),
            Hash.fromHex(next.get("contributionsRoot").asText()).toArray(),
            Hash.fromHex(next.get("indexHash").asText()).toArray()),
        Amount.ZERO);
    awaitIndex(node);

    Path adapter =
        TestModels.writeAdapter(work.resolve("adapter"), ModelSpec.tiny(), AdapterSpec.of(8, 5));
    Path bundle = work.resolve("adapter.bundle");
    try (OutputStream out = Files.newOutputStream(bundle)) {
      AdapterBundle.write(adapter, out);
    }
    Hash adapterHash = blobs.upload(bundle, MODEL_OWNER, BlobClient.Progress.NONE).hash();
    ok(
        node,
        MODEL_OWNER,
        ModelModule.ADDRESS,
        ModelModule.REGISTER_MODEL.encodeCall(
            "crash",
            Hash.keccak256("tiny-llama".getBytes(StandardCharsets.UTF_8)).toArray(),
            adapterHash.toArray(),
            List.of(u(1)),
            List.of(u(1)),
            PRICE_IN.value(),
            PRICE_OUT.value(),
            OPERATOR),
        Amount.ZERO);
    // the operator bonds the experimental minimum and declares model 1, as the chain asks before
    // it takes the operator's paid batches
    ok(
        node,
        DemoSetup.OPERATOR,
        StakingModule.ADDRESS,
        StakingModule.STAKE.encodeCall(OPERATOR, u(LockTerm.FLEXIBLE.code())),
        EconomyParameters.DEVNET.staking().experimentalMinimum());
    ok(
        node,
        DemoSetup.OPERATOR,
        StakingModule.ADDRESS,
        StakingModule.SERVE.encodeCall(u(1)),
        Amount.ZERO);
    String base =
        Json.MAPPER.readTree(get(node, "/v1/models").body()).get("data").get(0).get("id").asText();
    model = base + ":" + adapterHash.toHex();

    ok(node, PAYER, InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), DEPOSIT);
    ok(
        node,
        PAYER,
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(KEY_HASH.toArray(), DEPOSIT.value()),
        Amount.ZERO);
  }

  private void awaitIndex(NodeProcess node) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // liveness guard
    while (System.nanoTime() < deadline) {
      JsonNode s = Json.MAPPER.readTree(get(node, "/v1/datanets/1/versions/1/index").body());
      if (s.path("status").asText().equals("ready")) {
        return;
      }
      assertThat(s.path("status").asText()).isNotEqualTo("failed");
      Thread.sleep(50);
    }
    throw new AssertionError("the index of datanet 1 version 1 is not ready");
  }

  /** Sends a transaction and waits until it is mined successfully. */
  private static void ok(NodeProcess node, KeyPair from, Address to, byte[] data, Amount value)
      throws Exception {
    long nonce =
        Long.decode(
            node.call("eth_getTransactionCount", "[\"" + from.address().toHex() + "\",\"pending\"]")
                .asText());
    byte[] raw =
        TransactionBuilder.eip1559(CHAIN)
            .nonce(nonce)
            .maxPriorityFeePerGas(GWEI)
            .maxFeePerGas(GWEI.multiply(100))
            .gasLimit(3_000_000)
            .to(to)
            .value(value)
            .data(data)
            .sign(from)
            .encode();
    String hash = node.call("eth_sendRawTransaction", "[\"" + Bytes.toHex(raw) + "\"]").asText();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // liveness guard
    while (System.nanoTime() < deadline) {
      JsonNode receipt = node.call("eth_getTransactionReceipt", "[\"" + hash + "\"]");
      if (receipt.isObject()) {
        assertThat(receipt.get("status").asText()).as("transaction %s", hash).isEqualTo("0x1");
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no receipt for " + hash);
  }

  /** A module view through eth_call, decoded. */
  private static List<Object> view(NodeProcess node, AbiFunction f, Object... args)
      throws Exception {
    String call =
        Json.MAPPER.writeValueAsString(
            List.of(
                Map.of(
                    "to", InferenceModule.ADDRESS.toHex(), "data", Bytes.toHex(f.encodeCall(args))),
                "latest"));
    return f.decodeResult(Bytes.fromHex(node.call("eth_call", call).asText()));
  }

  private HttpResponse<String> get(NodeProcess node, String path) throws Exception {
    URI uri = node.api.resolve(path);
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }
}
