package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.openledger.attribution.dedup.NearDuplicateIndex;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.inference.ApiKey;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobHttpApi;
import io.openledger.node.blob.InMemoryBlobStore;
import io.openledger.node.blob.UploadInspector;
import io.openledger.node.devnet.NodeRunner;
import io.openledger.node.economy.DatanetIndexes;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real node (ledger + JSON-RPC on a free loopback port, blocks every 250 ms) on the devnet
 * genesis with test parameters (submissions up to 4,096 bytes, a platform fee of 5 base units,
 * windows of 1-2 s), and beside it an HTTP API: the real blob routes ({@link BlobHttpApi} on an
 * in-memory store) and, until the node's economy service mounts its own, stand-ins for the routes
 * of docs/economy.md that the CLI calls, answering from the chain's state as documented:
 * next-version (from the module's gas-free readers and {@link DatanetIndexes#preview}), the index
 * status ("building" once, then "ready"), the inference routes (checking an API key or a spend
 * signature against the chain, as the paid gate does) and the earnings breakdown.
 */
final class EconomyTestNode implements AutoCloseable {
  static final EconomyParameters ECONOMY =
      new EconomyParameters(
          4096, 10_000_000, 10_000_000, 20, 1000, 2000, 2000, 5000, Amount.of(5), 1, 2, 1);

  /** What the stand-in inference route answers, and what it charges. */
  static final String OUTPUT = "Fortune favours the bold, and the bold pay their contributors.";

  static final Amount FEE = Amount.of(21);

  final NodeRunner runner;
  final InMemoryBlobStore store = new InMemoryBlobStore(InstantSource.system());
  final Javalin api;

  /** Spend headers accepted by the inference stand-in, in order. */
  final List<AcceptedSpend> spends = new CopyOnWriteArrayList<>();

  /** Bodies of accepted inference requests, in order. */
  final List<JsonNode> requests = new CopyOnWriteArrayList<>();

  private final Map<String, Integer> indexPolls = new ConcurrentHashMap<>();

  /** Fees of signed requests per payer (what the payer must have authorized on top). */
  private final Map<Address, Amount> signedPaid = new ConcurrentHashMap<>();

  record AcceptedSpend(
      Address payer, Address operator, Hash requestHash, Amount authorized, byte[] signature) {}

  private EconomyTestNode(NodeRunner runner) {
    this.runner = runner;
    BlobHttpApi blobs = new BlobHttpApi(store, BlobHttpApi.DEFAULT_MAX_BLOB_BYTES, this::inspect);
    this.api =
        Javalin.create(
                c -> {
                  c.startup.showJavalinBanner = false;
                  c.startup.showOldJavalinVersionWarning = false;
                  blobs.register(c.routes);
                  c.routes.get("/v1/datanets/{id}/next-version", this::nextVersion);
                  c.routes.get("/v1/datanets/{id}/versions/{v}/index", this::index);
                  c.routes.post("/v1/chat/completions", ctx -> infer(ctx, false));
                  c.routes.post("/v1/completions", ctx -> infer(ctx, true));
                  c.routes.get("/v1/economy/earnings/{address}", this::earnings);
                })
            .start("127.0.0.1", 0);
  }

  static EconomyTestNode start(Path dir) {
    Genesis d = Genesis.devnet().withTimestamp(Instant.now().getEpochSecond() - 300);
    Genesis g =
        new Genesis(
            d.network(),
            d.chainId(),
            d.timestamp(),
            d.gasLimit(),
            d.initialBaseFee(),
            d.minimumBaseFee(),
            d.blockTimeMs(),
            d.treasury(),
            d.sequencer(),
            d.allowCustomVesting(),
            d.allocations(),
            ECONOMY);
    LedgerConfig config =
        LedgerConfig.DEFAULT
            .withSyncWrites(false)
            .withSequencer(
                SequencerConfig.DEFAULT
                    .withProduction(SequencerConfig.Production.WHEN_PENDING)
                    .withBlockInterval(Duration.ofMillis(250)));
    NodeRunner runner =
        NodeRunner.start(
            new NodeRunner.Options(dir, ChainSpec.from(g), config, "127.0.0.1", 0),
            InstantSource.system());
    return new EconomyTestNode(runner);
  }

  String rpcUrl() {
    return runner.rpc().httpUrl();
  }

  String apiUrl() {
    return "http://127.0.0.1:" + api.port();
  }

  StateReader state() {
    return runner.ledger().state(BlockRef.LATEST).orElseThrow();
  }

  byte[] blob(Hash hash) {
    try (InputStream in = store.open(hash, 0, Long.MAX_VALUE).orElseThrow()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    api.stop();
    runner.close();
  }

  // ---- stand-ins for the node's economy routes ----

  /** Flags near duplicates of accepted contributions of other addresses (the upload check). */
  private UploadInspector.Verdict inspect(UploadInspector.Upload upload) throws IOException {
    String datanet = upload.queryParam("datanet");
    if (datanet == null) {
      return new UploadInspector.Verdict.Accept(Map.of());
    }
    String text;
    try (InputStream in = upload.open()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StateReader s = state();
    long id = Long.parseLong(datanet);
    Datanet d = DatanetModule.readDatanet(s, id).orElseThrow();
    List<Map<String, Object>> near = new ArrayList<>();
    for (long cid : DatanetModule.acceptedContributions(s, id, d.accepted())) {
      Contribution c = DatanetModule.readContribution(s, cid).orElseThrow();
      if (c.contributor().equals(upload.uploader())) {
        continue;
      }
      double similarity =
          NearDuplicateIndex.similarity(
              text, new String(blob(c.blobHash()), StandardCharsets.UTF_8));
      if (similarity >= NearDuplicateIndex.DEFAULT_THRESHOLD) {
        near.add(
            Map.of(
                "contribution", cid,
                "contributor", c.contributor().toHex(),
                "similarity", similarity));
      }
    }
    return new UploadInspector.Verdict.Accept(Map.of("near_duplicates", near));
  }

  private void nextVersion(Context ctx) {
    StateReader s = state();
    long id = Long.parseLong(ctx.pathParam("id"));
    Datanet d = DatanetModule.readDatanet(s, id).orElseThrow();
    long previous =
        d.versions() == 0
            ? 0
            : DatanetModule.readVersion(s, id, d.versions()).orElseThrow().acceptedCount();
    List<DatanetIndexes.Accepted> accepted = new ArrayList<>();
    for (long cid : DatanetModule.acceptedContributions(s, id, d.accepted())) {
      Contribution c = DatanetModule.readContribution(s, cid).orElseThrow();
      if (!store.exists(c.blobHash())) {
        error(
            ctx,
            409,
            "blob_missing",
            "blob " + c.blobHash().toHex() + " of contribution " + cid + " is not stored here");
        return;
      }
      accepted.add(new DatanetIndexes.Accepted(cid, c.contributor(), blob(c.blobHash())));
    }
    DatanetIndexes.BuiltVersion built =
        DatanetIndexes.preview(id, d.versions() + 1, accepted, (int) previous);
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("datanet", id);
    o.put("version", d.versions() + 1);
    o.put("acceptedCount", d.accepted());
    o.put("contributionsRoot", DatanetModule.acceptedRoot(s, id).toHex());
    o.put("indexHash", built.indexHash().toHex());
    ArrayNode indexed = o.putArray("indexed");
    built.indexed().forEach(indexed::add);
    ArrayNode excluded = o.putArray("excluded");
    built
        .excluded()
        .forEach(
            e ->
                excluded
                    .addObject()
                    .put("contribution", e.contributionId())
                    .put("reason", e.reason()));
    ctx.json(o);
  }

  private void index(Context ctx) {
    long id = Long.parseLong(ctx.pathParam("id"));
    int v = Integer.parseInt(ctx.pathParam("v"));
    int polls = indexPolls.merge(id + "/" + v, 1, Integer::sum);
    DatanetVersion version = DatanetModule.readVersion(state(), id, v).orElseThrow();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("datanet", id);
    o.put("version", v);
    o.put("status", polls < 2 ? "building" : "ready");
    o.put("indexHash", version.indexHash().toHex());
    o.put("onChainIndexHash", version.indexHash().toHex());
    ctx.json(o);
  }

  int indexPolls(long datanet, int version) {
    return indexPolls.getOrDefault(datanet + "/" + version, 0);
  }

  private void infer(Context ctx, boolean completion) throws IOException {
    byte[] body = ctx.bodyAsBytes();
    StateReader s = state();
    Model m =
        ModelModule.readModel(s, Long.parseLong(ctx.header("X-OpenLedger-Model"))).orElseThrow();
    Address payer;
    String bearer = ctx.header("Authorization");
    String spend = ctx.header("X-OpenLedger-Spend");
    if (bearer != null) {
      Hash keyHash =
          Hash.keccak256(bearer.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8));
      ApiKey k = InferenceModule.apiKey(s, keyHash).orElse(null);
      if (k == null || k.revoked()) {
        error(ctx, 401, "invalid_api_key", "unknown or revoked API key");
        return;
      }
      payer = k.payer();
    } else if (spend != null) {
      String[] parts = spend.split(",");
      Hash requestHash = Hash.fromHex(parts[0]);
      if (!requestHash.equals(Hash.keccak256(body))) {
        error(ctx, 400, "invalid_request", "the request hash is not the keccak of the body");
        return;
      }
      Amount authorized = Amount.of(new BigInteger(parts[1]));
      byte[] signature = Bytes.fromHex(parts[2]);
      SpendAuthorization auth = new SpendAuthorization(m.operator(), requestHash, authorized);
      payer = auth.recoverSigner(runner.ledger().chainId(), signature).orElse(null);
      if (payer == null) {
        error(ctx, 401, "invalid_signature", "the spend signature recovers no key");
        return;
      }
      Amount paid = signedPaid.getOrDefault(payer, Amount.ZERO);
      if (authorized.lessThan(paid.add(FEE))) {
        error(
            ctx,
            402,
            "payment_required",
            "signed amount exhausted: authorized " + authorized + ", already paid " + paid);
        return;
      }
      if (InferenceModule.escrowOf(s, payer).balance().lessThan(FEE)) {
        error(ctx, 402, "payment_required", "escrow exhausted: 0 left");
        return;
      }
      signedPaid.merge(payer, FEE, Amount::add);
      spends.add(new AcceptedSpend(payer, m.operator(), requestHash, authorized, signature));
    } else {
      error(ctx, 401, "invalid_api_key", "no API key and no spend signature");
      return;
    }
    if (InferenceModule.escrowOf(s, payer).balance().lessThan(FEE)) {
      error(ctx, 402, "payment_required", "escrow exhausted: 0 left");
      return;
    }
    requests.add(Json.MAPPER.readTree(body));
    ctx.json(response(m, payer, completion));
  }

  private ObjectNode response(Model m, Address payer, boolean completion) {
    StateReader s = state();
    Model.DatanetRef ref = m.datanets().getFirst();
    long first = DatanetModule.acceptedContributions(s, ref.datanetId(), 1).getFirst();
    Contribution c = DatanetModule.readContribution(s, first).orElseThrow();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", "cmpl-1");
    o.put("object", completion ? "text_completion" : "chat.completion");
    ObjectNode choice = o.putArray("choices").addObject();
    choice.put("index", 0);
    if (completion) {
      choice.put("text", OUTPUT);
    } else {
      choice.putObject("message").put("role", "assistant").put("content", OUTPUT);
    }
    o.put("receipt_id", "0x" + "ab".repeat(32));
    ObjectNode ol = o.putObject("openledger");
    ol.put("record", spends.size());
    ol.put("model", m.id());
    ol.put("payer", payer.toHex());
    ol.put("fee", FEE.value().toString());
    ol.put("promptTokens", 12);
    ol.put("completionTokens", 9);
    ObjectNode a = ol.putArray("attribution").addObject();
    a.put("contribution", first);
    a.put("datanet", ref.datanetId());
    a.put("contributor", c.contributor().toHex());
    a.put("ppm", 600_000);
    a.put("amount", "4");
    ArrayNode spans = a.putArray("spans");
    spans.addObject().put("start", 0).put("end", 24).put("text", OUTPUT.substring(0, 24));
    spans.addObject().put("start", 30).put("end", 38).put("text", OUTPUT.substring(30, 38));
    ol.put("modelPpm", 400_000);
    ArrayNode payouts = ol.putArray("payouts");
    payouts.addObject().put("account", c.contributor().toHex()).put("amount", "4");
    payouts.addObject().put("account", m.owner().toHex()).put("amount", "17");
    return o;
  }

  private void earnings(Context ctx) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("account", ctx.pathParam("address"));
    o.putArray("contributions")
        .addObject()
        .put("contribution", 1)
        .put("inferences", 2)
        .put("amount", "8");
    o.putArray("models");
    ctx.json(o);
  }

  private static void error(Context ctx, int status, String code, String message) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.putObject("error").put("code", code).put("message", message);
    ctx.status(status).json(o);
  }
}
