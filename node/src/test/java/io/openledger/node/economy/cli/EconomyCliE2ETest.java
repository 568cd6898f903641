package io.openledger.node.economy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionStatus;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.inference.ApiKey;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.Escrow;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.OpenLedgerCommand;
import io.openledger.node.economy.Batcher;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.adapter.AdapterBundle;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-economy commands run in-process through picocli, as a user types them, against the real
 * node with its economy ({@link EconomyNode}: blob store, indexes, the paid inference gate, the
 * record log, the batcher and the read API): create a datanet, contribute (a near duplicate flagged
 * by the node's upload check and left out of the index), approve, publish (computed here, then
 * through the node's route, waiting for its index), register a model with an uploaded adapter of
 * the served model, deposit, make an API key, infer signed and with the key, let the node post its
 * batch (the chain takes the signed charge), finalize it, show earnings, claim, withdraw and
 * revoke; then every refusal the user can meet. Every fee is checked against the fee rule and every
 * signed amount against the gate's rule.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EconomyCliE2ETest {
  /**
   * Submissions up to 4,096 bytes, a platform fee of 5 base units, windows of 30 s of chain time
   * (about 3 s: blocks come every 100 ms, each a second after its parent); the rest as the devnet.
   */
  static final EconomyParameters ECONOMY =
      new EconomyParameters(
          4096, 10_000_000, 10_000_000, 20, 1000, 2000, 2000, 5000, Amount.of(5), 30, 30, 30);

  static final Amount PLATFORM_FEE = Amount.of(5);
  static final Amount PRICE_IN = Amount.of(2_000_000_000_000_000L); // 0.002 OPEN per 1k
  static final Amount PRICE_OUT = Amount.of(6_000_000_000_000_000L); // 0.006 OPEN per 1k

  @TempDir static Path dir;
  static EconomyNode node;

  static final DevAccounts.DevAccount OWNER = DevAccounts.ALL.get(0);
  static final DevAccounts.DevAccount ALICE = DevAccounts.ALL.get(1);
  static final DevAccounts.DevAccount BOB = DevAccounts.ALL.get(2);
  static final DevAccounts.DevAccount APP = DevAccounts.ALL.get(3);
  static final DevAccounts.DevAccount NOBODY = DevAccounts.ALL.get(5);
  static final Address OPERATOR = EconomyNode.OPERATOR.address();

  static final String ALICE_TEXT =
      "The sea was calm that morning and the fishermen of the northern harbour set out before"
          + " dawn, as their fathers had, with nets mended through the long winter evenings and"
          + " lanterns swinging from the masts of their small wooden boats.";
  static final String BOB_TEXT = ALICE_TEXT.replace("northern", "southern");
  static final String ALICE_TEXT_2 =
      "Fortune favours the bold, said the old captain, but the sea favours the careful; and"
          + " between the two a sailor learns to read the clouds, the gulls and the colour of"
          + " the water long before any chart could tell him what the weather would do.";
  static final String ALICE_TEXT_3 =
      "In the mountain villages the bread was baked once a week in a shared stone oven, and"
          + " every family marked its loaves with a sign cut into the crust so that nobody"
          + " would carry home a neighbour's rye by mistake on a busy Saturday.";

  /** What the paid requests ask (greedy, so the answer is known before the model is paid). */
  static final String PROMPT = "Tell me about the harbour";

  static final int DEFAULT_MAX_TOKENS = 128;

  static Path ownerKey;
  static Path aliceKey;
  static Path bobKey;
  static Path appKey;
  static Path nobodyKey;
  static Path spendDir;
  static Hash adapterHash;
  static String answer;
  static String apiKey;

  /** Receipt ids of the paid answers, in order. */
  static final List<String> receipts = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // the batcher posts only when the test flushes it, and leaves finalizing to the CLI
    node =
        EconomyNode.start(dir.resolve("node"), new Batcher.Config(100_000, 1_000, false), ECONOMY);
    ownerKey = keyFile(OWNER);
    aliceKey = keyFile(ALICE);
    bobKey = keyFile(BOB);
    appKey = keyFile(APP);
    nobodyKey = keyFile(NOBODY);
    spendDir = dir.resolve("spend");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      assertThat(node.auditFailures).isEmpty();
      node.close();
    }
  }

  static Path keyFile(DevAccounts.DevAccount a) throws Exception {
    return Files.writeString(dir.resolve("dev" + a.index() + ".key"), a.privateKeyHex());
  }

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return Json.MAPPER.readTree(out);
    }

    Run ok() {
      assertThat(exit).as("exit status; stderr:\n" + err + "\nstdout:\n" + out).isZero();
      return this;
    }

    /** A failure: exit 1 and one line {@code error: ...} containing {@code message}. */
    Run fails(String message) {
      assertThat(exit).as("exit status; stdout:\n" + out + "\nstderr:\n" + err).isEqualTo(1);
      List<String> lines = err.strip().lines().toList();
      assertThat(lines.getLast()).startsWith("error: ").contains(message);
      return this;
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** Runs with {@code --rpc} pointing at the node. */
  static Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--rpc");
    all.add(node.rpcUrl());
    return run(all.toArray(String[]::new));
  }

  /** Runs with {@code --rpc} and {@code --api} pointing at the node. */
  static Run cliApi(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--api");
    all.add(node.apiUrl());
    return cli(all.toArray(String[]::new));
  }

  /** A paid request as the user types it: signed by the application, greedy. */
  static Run inferSigned(String... extra) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "infer",
                PROMPT,
                "--temperature",
                "0",
                "--spend-dir",
                spendDir.toString(),
                "--private-key-file",
                appKey.toString()));
    all.addAll(List.of(extra));
    return cliApi(all.toArray(String[]::new));
  }

  static Path textFile(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  static Contribution contribution(long id) {
    return DatanetModule.readContribution(node.state(), id).orElseThrow();
  }

  static JsonNode apiGet(String path) throws Exception {
    EconomyNode.Answer a = node.get(path);
    assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
    return a.body();
  }

  static byte[] blob(Hash hash) throws Exception {
    try (var in = node.economy().blobs().open(hash, 0, Long.MAX_VALUE).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  /** The receipt id {@code infer} printed. */
  static String receiptOf(String out) {
    Matcher m = Pattern.compile("Receipt (0x[0-9a-f]{64})").matcher(out);
    assertThat(m.find()).as("a receipt in:\n" + out).isTrue();
    return m.group(1);
  }

  /** The node's record of a paid answer (GET /v1/receipts/{id}). */
  static JsonNode record(String receiptId) throws Exception {
    return apiGet("/v1/receipts/" + receiptId).get("record");
  }

  static Amount amount(JsonNode n) {
    return Amount.of(new BigInteger(n.asText()));
  }

  /** The fee rule v1 written out: floor((in × priceIn + out × priceOut) / 1000) + platformFee. */
  static Amount fee(long in, long out) {
    return Amount.of(
            PRICE_IN
                .value()
                .multiply(BigInteger.valueOf(in))
                .add(PRICE_OUT.value().multiply(BigInteger.valueOf(out)))
                .divide(BigInteger.valueOf(1000)))
        .add(PLATFORM_FEE);
  }

  /**
   * The CLI's default budget for a prompt: ceil(((UTF-8 bytes + 256) × priceIn + maxTokens ×
   * priceOut) / 1000) + platformFee.
   */
  static Amount budget(String prompt, int maxTokens) {
    BigInteger usage =
        BigInteger.valueOf(prompt.getBytes(StandardCharsets.UTF_8).length + 256)
            .multiply(PRICE_IN.value())
            .add(BigInteger.valueOf(maxTokens).multiply(PRICE_OUT.value()));
    BigInteger[] qr = usage.divideAndRemainder(BigInteger.valueOf(1000));
    return Amount.of(qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE)).add(PLATFORM_FEE);
  }

  static SpendFile spendFile() throws Exception {
    Hash genesis =
        Hash.fromHex(node.rpc("eth_getBlockByNumber", "0x0", false).get("hash").asText());
    return SpendFile.of(spendDir, 1337, genesis, APP.address(), OPERATOR);
  }

  static Amount charged() {
    return InferenceModule.charged(node.state(), APP.address(), OPERATOR);
  }

  /** Lets the node's batcher post every record it has; returns the chain's next batch number. */
  static long postEverything() throws Exception {
    long records = node.economy().records().nextNumber();
    long deadline = System.nanoTime() + 60_000_000_000L; // liveness guard
    while (InferenceModule.nextBatch(node.state(), OPERATOR).firstRecord() < records) {
      assertThat(System.nanoTime())
          .as("not batched: " + node.economy().batcher().lastError())
          .isLessThan(deadline);
      var tx = node.economy().batcher().flush();
      if (tx.isPresent()) {
        assertThat(node.awaitReceipt(tx.get().toHex()).success()).isTrue();
      } else {
        Thread.sleep(50);
      }
    }
    return InferenceModule.nextBatch(node.state(), OPERATOR).seq();
  }

  static void awaitChainTime(long t) {
    node.awaitChainTime(t);
  }

  // ---- the scenario ----

  @Test
  @Order(1)
  void createADatanet() throws Exception {
    Run r =
        cli(
                "datanet",
                "create",
                "--name",
                "Harbour stories",
                "--description",
                "short prose",
                "--tag",
                "prose",
                "--tag",
                "english",
                "--type",
                "text",
                "--licence",
                "commercial,attribution",
                "--rules",
                "your own words only",
                "--private-key-file",
                ownerKey.toString())
            .ok();
    assertThat(r.out().strip()).isEqualTo("1");
    assertThat(r.err()).contains("Created datanet 1 \"Harbour stories\"");
    var d = DatanetModule.readDatanet(node.state(), 1).orElseThrow();
    assertThat(d.owner()).isEqualTo(OWNER.address());
    assertThat(d.tags()).containsExactly("prose", "english");
    assertThat(d.licence().flags()).isEqualTo(3);
    assertThat(d.rules()).isEqualTo("your own words only");
  }

  @Test
  @Order(2)
  void contributeApproveAndFlagANearDuplicate() throws Exception {
    Path alice = textFile("harbour.txt", ALICE_TEXT);
    Run first =
        cliApi(
                "datanet",
                "contribute",
                "1",
                alice.toString(),
                "--private-key-file",
                aliceKey.toString())
            .ok();
    assertThat(first.out().strip()).isEqualTo("1");
    assertThat(first.err()).doesNotContain("warning");
    Contribution c = contribution(1);
    assertThat(c.contributor()).isEqualTo(ALICE.address());
    assertThat(c.blobHash()).isEqualTo(Hash.keccak256(ALICE_TEXT.getBytes(StandardCharsets.UTF_8)));
    assertThat(c.size()).isEqualTo(ALICE_TEXT.length());
    byte[] metadata =
        "{\"name\":\"harbour.txt\",\"mediaType\":\"text/plain\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(c.metadataHash()).isEqualTo(Hash.keccak256(metadata));
    assertThat(blob(c.metadataHash())).isEqualTo(metadata);
    assertThat(blob(c.blobHash())).isEqualTo(ALICE_TEXT.getBytes(StandardCharsets.UTF_8));

    cli("datanet", "approve", "1", "--private-key-file", ownerKey.toString()).ok();
    assertThat(contribution(1).status()).isEqualTo(ContributionStatus.ACCEPTED);

    Run bob =
        cliApi(
                "datanet",
                "contribute",
                "1",
                textFile("copy.txt", BOB_TEXT).toString(),
                "--private-key-file",
                bobKey.toString(),
                "--json")
            .ok();
    assertThat(bob.err())
        .containsPattern(
            "warning: near duplicate of contribution 1 by "
                + ALICE.address()
                + " \\(similarity [01]\\.[0-9]{2}\\): if accepted, it is left out of the index and"
                + " earns nothing");
    assertThat(bob.json().get("contribution").asLong()).isEqualTo(2);
    JsonNode near = bob.json().get("nearDuplicates").get(0);
    assertThat(near.get("contribution").asLong()).isEqualTo(1);
    assertThat(near.get("contributor").asText()).isEqualTo(ALICE.address().toHex());

    // The generated model is random: to see an answer credited, a contribution holds what the
    // adapter answers. Until a model registers the adapter it is served free.
    adapterHash = node.uploadAdapter(EconomyNode.dev(NOBODY.index()), dir);
    String name = node.baseModel() + ":" + adapterHash.toHex();
    Run free = cliApi("infer", PROMPT, "--model", name, "--temperature", "0", "--json").ok();
    assertThat(free.err()).contains("No registered model names this adapter: the request is free.");
    assertThat(free.json().get("openledger").get("paid").asBoolean()).isFalse();
    answer = free.json().get("choices").get(0).get("message").get("content").asText();
    assertThat(answer).isNotBlank();
    Run freeText = cliApi("infer", PROMPT, "--model", name, "--temperature", "0").ok();
    assertThat(freeText.out()).startsWith(answer).contains("Free request: no fee, no attribution.");

    Run third =
        cliApi(
                "datanet",
                "contribute",
                "1",
                textFile("captain.md", ALICE_TEXT_2 + "\n\n" + answer + "\n").toString(),
                "--private-key-file",
                aliceKey.toString())
            .ok();
    assertThat(third.out().strip()).isEqualTo("3");
    assertThat(contribution(3).metadataHash())
        .isEqualTo(
            Hash.keccak256(
                "{\"name\":\"captain.md\",\"mediaType\":\"text/markdown\"}"
                    .getBytes(StandardCharsets.UTF_8)));

    Run approved =
        cli(
                "datanet",
                "approve",
                "2",
                "3",
                "--score",
                "80",
                "--private-key-file",
                ownerKey.toString())
            .ok();
    assertThat(approved.out())
        .contains("accepted contribution 2 (score 80)")
        .contains("accepted contribution 3 (score 80)");
    assertThat(contribution(3).score()).isEqualTo(80);
  }

  @Test
  @Order(3)
  void publishComputedHereMatchesTheNodesComputation() throws Exception {
    JsonNode nodeSays = apiGet("/v1/datanets/1/next-version");
    assertThat(nodeSays.get("indexed")).hasSize(2);
    Run r =
        cliApi(
                "datanet",
                "publish",
                "1",
                "--local",
                "--no-wait-index",
                "--private-key-file",
                ownerKey.toString())
            .ok();
    assertThat(r.out().strip()).isEqualTo("1");
    assertThat(r.err())
        .contains("Version 1 of datanet 1: 3 accepted contribution(s)")
        .contains("indexed             #1, #3")
        .contains("excluded #2  near duplicate of contribution 1 by " + ALICE.address());
    DatanetVersion v = DatanetModule.readVersion(node.state(), 1, 1).orElseThrow();
    assertThat(v.acceptedCount()).isEqualTo(3);
    assertThat(v.contributionsRoot().toHex()).isEqualTo(nodeSays.get("contributionsRoot").asText());
    assertThat(v.indexHash().toHex()).isEqualTo(nodeSays.get("indexHash").asText());
  }

  @Test
  @Order(4)
  void publishThroughTheNodeWaitsForTheIndex() throws Exception {
    cliApi(
            "datanet",
            "contribute",
            "1",
            textFile("bread.txt", ALICE_TEXT_3).toString(),
            "--private-key-file",
            aliceKey.toString())
        .ok();
    cli("datanet", "approve", "4", "--private-key-file", ownerKey.toString()).ok();
    Run r =
        cliApi(
                "datanet",
                "publish",
                "1",
                "--no-progress",
                "--json",
                "--private-key-file",
                ownerKey.toString())
            .ok();
    JsonNode j = r.json();
    assertThat(j.get("version").asInt()).isEqualTo(2);
    assertThat(j.get("acceptedCount").asLong()).isEqualTo(4);
    assertThat(j.get("indexed")).extracting(JsonNode::asLong).containsExactly(4L);
    assertThat(j.get("index").get("status").asText()).isEqualTo("ready");
    assertThat(j.get("index").get("indexHash").asText()).isEqualTo(j.get("indexHash").asText());
    assertThat(j.get("transaction").asText()).startsWith("0x");
    assertThat(DatanetModule.readVersion(node.state(), 1, 2).orElseThrow().indexHash().toHex())
        .isEqualTo(j.get("indexHash").asText());
    JsonNode status = apiGet("/v1/datanets/1/versions/2/index");
    assertThat(status.get("status").asText()).isEqualTo("ready");
    assertThat(status.get("onChainIndexHash").asText()).isEqualTo(j.get("indexHash").asText());
  }

  @Test
  @Order(5)
  void listAndShowDatanets() throws Exception {
    JsonNode list = cli("datanet", "list", "--json").ok().json();
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("name").asText()).isEqualTo("Harbour stories");
    assertThat(list.get(0).get("versionCount").asInt()).isEqualTo(2);
    assertThat(list.get(0).get("accepted").asInt()).isEqualTo(4);
    assertThat(cli("datanet", "list").ok().out()).contains("Harbour stories");

    JsonNode show = cli("datanet", "show", "1", "--json").ok().json();
    assertThat(show.get("versions")).hasSize(2);
    JsonNode cs = show.get("contributionList");
    assertThat(cs).hasSize(4);
    assertThat(cs.get(1).get("contributor").asText()).isEqualTo(BOB.address().toHex());
    assertThat(cs.get(1).get("status").asText()).isEqualTo("accepted");
    assertThat(cs.get(1).get("score").asInt()).isEqualTo(80);
    assertThat(cs.get(1).get("firstVersion").asInt()).isEqualTo(1);
    assertThat(cs.get(3).get("firstVersion").asInt()).isEqualTo(2);

    Run text = cli("datanet", "show", "1").ok();
    assertThat(text.out())
        .contains("Datanet 1  Harbour stories")
        .contains("licence        commercial use, attribution")
        .contains("v1  3 accepted")
        .contains("#4")
        .contains("accepted (score 100)");
  }

  @Test
  @Order(6)
  void registerAModelWithAnAdapterOfTheServedModel() throws Exception {
    Run r =
        cliApi(
                "model",
                "register",
                "--name",
                "harbour-lora",
                "--base",
                node.modelDir.toString(),
                "--adapter",
                node.adapterDir.toString(),
                "--datanet",
                "1:2",
                "--price-in",
                "0.002",
                "--price-out",
                "0.006",
                "--operator",
                OPERATOR.toHex(),
                "--no-progress",
                "--private-key-file",
                ownerKey.toString())
            .ok();
    assertThat(r.out().strip()).isEqualTo("1");
    // the test uploaded the same bundle to learn the free answer
    assertThat(r.err()).contains("Adapter bundle " + adapterHash.toHex()).contains("was already");
    ByteArrayOutputStream bundle = new ByteArrayOutputStream();
    AdapterBundle.write(node.adapterDir, bundle);
    assertThat(Hash.keccak256(bundle.toByteArray())).isEqualTo(adapterHash);
    Model m = ModelModule.readModel(node.state(), 1).orElseThrow();
    assertThat(m.adapterHash()).isEqualTo(adapterHash);
    assertThat(m.baseModelHash()).isEqualTo(baseHash(node.modelDir));
    assertThat(m.operator()).isEqualTo(OPERATOR);
    assertThat(m.owner()).isEqualTo(OWNER.address());
    assertThat(m.pricePerKIn()).isEqualTo(PRICE_IN);
    assertThat(m.pricePerKOut()).isEqualTo(PRICE_OUT);
    assertThat(m.datanets()).containsExactly(new Model.DatanetRef(1, 2));

    JsonNode show = cli("model", "show", "1", "--json").ok().json();
    assertThat(show.get("adapterHash").asText()).isEqualTo(adapterHash.toHex());
    assertThat(show.get("pricePerKIn").asText()).isEqualTo("2000000000000000");
    assertThat(cli("model", "show", "1").ok().out())
        .contains("price in    0.002 OPEN / 1k tokens")
        .contains("datanets    1:2")
        .contains(
            "request as  model \"" + adapterHash.toHex() + "\", header X-OpenLedger-Model: 1");

    // A second adapter, new to the node, registered for another operator.
    Path other =
        TestModels.writeAdapter(dir.resolve("adapter-b"), ModelSpec.tiny(), AdapterSpec.of(4, 3));
    Run second =
        cliApi(
                "model",
                "register",
                "--name",
                "elsewhere",
                "--base-hash",
                m.baseModelHash().toHex(),
                "--adapter",
                other.toString(),
                "--datanet",
                "1:1",
                "--operator",
                NOBODY.address().toHex(),
                "--no-progress",
                "--private-key-file",
                ownerKey.toString())
            .ok();
    assertThat(second.out().strip()).isEqualTo("2");
    Hash otherHash = ModelModule.readModel(node.state(), 2).orElseThrow().adapterHash();
    assertThat(second.err())
        .contains("Adapter bundle " + otherHash.toHex() + " (")
        .contains("is now");
    ByteArrayOutputStream otherBundle = new ByteArrayOutputStream();
    AdapterBundle.write(other, otherBundle);
    assertThat(blob(otherHash)).isEqualTo(otherBundle.toByteArray());
    assertThat(cli("model", "list", "--json").ok().json()).hasSize(2);

    // this node's operator bonds the experimental minimum and declares model 1, so its paid
    // batches are accepted
    node.stakeAndServe(1);
  }

  /** keccak-256 of the keccak-256 digests of the directory's .safetensors files, in name order. */
  static Hash baseHash(Path modelDir) throws Exception {
    ByteArrayOutputStream digests = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(modelDir)) {
      for (Path f :
          files
              .filter(f -> f.getFileName().toString().endsWith(".safetensors"))
              .sorted()
              .toList()) {
        digests.write(Hash.keccak256(Files.readAllBytes(f)).toArray());
      }
    }
    assertThat(digests.size()).isPositive();
    return Hash.keccak256(digests.toByteArray());
  }

  @Test
  @Order(7)
  void depositAndMakeAnApiKey() throws Exception {
    Run d = cli("escrow", "deposit", "10", "--private-key-file", appKey.toString()).ok();
    assertThat(d.out()).contains("Deposited 10 OPEN.").contains("balance     10 OPEN");
    JsonNode show = cli("escrow", "show", APP.address().toHex(), "--json").ok().json();
    assertThat(show.get("balance").asText()).isEqualTo("10000000000000000000");
    assertThat(cli("escrow", "show", "--private-key-file", appKey.toString()).ok().out())
        .contains("Escrow of " + APP.address());

    Run k = cli("apikey", "create", "--cap", "1.5", "--private-key-file", appKey.toString()).ok();
    apiKey = k.out().strip();
    assertThat(apiKey).matches("olk_[0-9a-f]{64}");
    assertThat(k.err()).contains("shown only this once");
    Hash h = Hash.keccak256(apiKey.getBytes(StandardCharsets.UTF_8));
    ApiKey onChain = InferenceModule.apiKey(node.state(), h).orElseThrow();
    assertThat(onChain.payer()).isEqualTo(APP.address());
    assertThat(onChain.cap()).isEqualTo(Amount.parseOpen("1.5"));
    JsonNode byKey = cli("apikey", "show", apiKey, "--json").ok().json();
    assertThat(byKey.get("keyHash").asText()).isEqualTo(h.toHex());
    assertThat(byKey.get("cap").asText()).isEqualTo("1500000000000000000");
    assertThat(cli("apikey", "show", "--hash", h.toHex()).ok().out()).contains("status     active");
  }

  @Test
  @Order(8)
  void inferSignedThenWithTheKey() throws Exception {
    // 1. Signed, with the default budget, and nothing recorded here yet.
    Run first = inferSigned("--model-id", "1").ok();
    assertThat(first.err())
        .contains("No spend record at")
        .contains("starting from what the chain says " + OPERATOR + " has charged you, 0 OPEN.");
    String r1 = receiptOf(first.out());
    receipts.add(r1);
    JsonNode rec1 = record(r1);
    long promptTokens = rec1.get("promptTokens").asLong();
    long completionTokens = rec1.get("completionTokens").asLong();
    Amount fee1 = amount(rec1.get("fee"));
    assertThat(fee1).isEqualTo(fee(promptTokens, completionTokens));
    assertThat(rec1.get("payer").asText()).isEqualTo(APP.address().toHex());
    assertThat(rec1.get("keyHash").asText()).isEqualTo(Hash.ZERO.toHex());
    assertThat(rec1.get("model").asLong()).isEqualTo(1);
    // what the CLI signed: nothing paid so far plus its default budget, which covers the most
    // the gate says the request can cost
    Amount budget = budget(PROMPT, DEFAULT_MAX_TOKENS);
    assertThat(amount(rec1.get("authorized"))).isEqualTo(budget);
    assertThat(budget.compareTo(fee(promptTokens, DEFAULT_MAX_TOKENS))).isPositive();
    // the answer is the free one, and contribution 3 holds it: Alice is credited
    assertThat(apiGet("/v1/receipts/" + r1).get("output").asText()).isEqualTo(answer);
    assertThat(first.out())
        .contains("[")
        .contains(
            "Fee "
                + fee1.toOpenString()
                + " OPEN ("
                + fee1.value()
                + " base units) for "
                + promptTokens
                + " prompt + "
                + completionTokens
                + " completion tokens")
        .containsPattern("#3 +1 +" + ALICE.address() + " +[0-9]+  ")
        .contains("Payouts")
        .contains(StakingModule.ADDRESS.toHex()) // the stakers' part, for the operator's pool
        .contains("Receipt " + r1 + "  (GET /v1/receipts/" + r1 + ")");
    assertThat(spendFile().paid()).contains(fee1);

    // 2. Signed again, through /v1/completions and the model's name: the record counts.
    Run second =
        inferSigned(
                "--model", node.baseModel() + ":" + adapterHash.toHex(), "--completion", "--json")
            .ok();
    assertThat(second.err()).doesNotContain("No spend record");
    JsonNode o2 = second.json().get("openledger");
    assertThat(o2.get("paid").asBoolean()).isTrue();
    Amount fee2 = amount(o2.get("fee"));
    String r2 = second.json().get("receipt_id").asText();
    receipts.add(r2);
    assertThat(amount(record(r2).get("authorized"))).isEqualTo(fee1.add(budget));
    assertThat(second.json().get("choices").get(0).get("text").asText()).isNotEmpty();
    assertThat(spendFile().paid()).contains(fee1.add(fee2));

    // 3. With the API key: the key pays; the signed record is untouched.
    Run withKey =
        cliApi("infer", "hello", "--model-id", "1", "--api-key", apiKey, "--max-tokens", "16").ok();
    assertThat(withKey.out()).contains("Payouts");
    String r3 = receiptOf(withKey.out());
    receipts.add(r3);
    assertThat(record(r3).get("keyHash").asText())
        .isEqualTo(Hash.keccak256(apiKey.getBytes(StandardCharsets.UTF_8)).toHex());
    assertThat(spendFile().paid()).contains(fee1.add(fee2));

    // 4. --max-fee: the gate needs the most the request can cost, fee(prompt tokens, max_tokens),
    // on top of what is owed; one base unit less is refused and nothing is recorded.
    Amount paid = fee1.add(fee2);
    Amount most = fee(promptTokens, DEFAULT_MAX_TOKENS);
    inferSigned("--model-id", "1", "--max-fee", most.subtract(Amount.of(1)).toOpenString())
        .fails(
            "refused the request (POST /v1/chat/completions, HTTP 402): payment_required: the"
                + " signed amount does not cover this request")
        .fails("this machine signed for " + paid.toOpenString() + " OPEN paid so far");
    assertThat(spendFile().paid()).contains(paid);
    Run exact = inferSigned("--model-id", "1", "--max-fee", most.toOpenString()).ok();
    assertThat(exact.err()).contains("up to " + paid.add(most).toOpenString() + " OPEN in all");
    String r4 = receiptOf(exact.out());
    receipts.add(r4);
    JsonNode rec4 = record(r4);
    assertThat(amount(rec4.get("authorized"))).isEqualTo(paid.add(most));
    assertThat(spendFile().paid()).contains(paid.add(amount(rec4.get("fee"))));
  }

  @Test
  @Order(9)
  void theNodeBatchesTheSignedChargesAndEveryoneIsPaid() throws Exception {
    assertThat(node.economy().records().nextNumber()).isEqualTo(4);
    assertThat(charged()).isEqualTo(Amount.ZERO);
    Amount escrowBefore = InferenceModule.escrowOf(node.state(), APP.address()).balance();
    assertThat(postEverything()).isEqualTo(1);

    // the chain took the signed charge: exactly what this machine recorded paying
    assertThat(charged()).isEqualTo(spendFile().paid().orElseThrow());
    Amount total = Amount.ZERO;
    Amount toAlice = Amount.ZERO;
    Amount toPool = Amount.ZERO;
    for (String id : receipts) {
      JsonNode receipt = apiGet("/v1/receipts/" + id);
      total = total.add(amount(receipt.get("record").get("fee")));
      for (JsonNode p : receipt.get("payouts")) {
        if (p.get("account").asText().equals(ALICE.address().toHex())) {
          toAlice = toAlice.add(amount(p.get("amount")));
        }
        if (p.get("account").asText().equals(StakingModule.ADDRESS.toHex())) {
          toPool = toPool.add(amount(p.get("amount")));
        }
        assertThat(p.get("account").asText()).isNotEqualTo(OPERATOR.toHex());
      }
      assertThat(receipt.get("batch").get("seq").asLong()).isZero();
    }
    assertThat(toAlice.isZero()).as("Alice's contribution was credited").isFalse();
    assertThat(InferenceModule.escrowOf(node.state(), APP.address()).balance())
        .isEqualTo(escrowBefore.subtract(total));

    JsonNode batch =
        cli("batch", "show", "--operator", OPERATOR.toHex(), "--seq", "0", "--json").ok().json();
    assertThat(batch.get("total").asText()).isEqualTo(total.value().toString());
    assertThat(batch.get("recordCount").asLong()).isEqualTo(4);
    assertThat(batch.get("finalized").asBoolean()).isFalse();
    assertThat(cli("batch", "show", "--operator", OPERATOR.toHex(), "--seq", "0").ok().out())
        .contains("records     0..3")
        .contains("open; can be finalized from");

    Run pending = cliApi("earnings", ALICE.address().toHex()).ok();
    assertThat(pending.out()).contains("pending    " + toAlice.toOpenString() + " OPEN");

    Batch b = InferenceModule.batch(node.state(), OPERATOR, 0).orElseThrow();
    awaitChainTime(b.finalizableAt());
    String[] finalize = {
      "batch",
      "finalize",
      "--operator",
      OPERATOR.toHex(),
      "--seq",
      "0",
      "--private-key-file",
      bobKey.toString()
    };
    assertThat(cli(finalize).ok().out())
        .contains("Finalized batch 0 of " + OPERATOR + ": its payouts are claimable.");
    assertThat(cli(finalize).ok().out())
        .contains("Batch 0 of " + OPERATOR + " is already final")
        .contains("nothing was sent");
    // the stakers' part went on into the operator's pool at finalize
    assertThat(toPool.isZero()).isFalse();
    assertThat(InferenceModule.earnings(node.state(), StakingModule.ADDRESS).claimed())
        .isEqualTo(toPool);
    assertThat(StakingModule.pool(node.state(), OPERATOR).bondedStake())
        .isEqualTo(node.operatorStake().add(toPool));
    assertThat(node.auditFailures).isEmpty();

    Run earnings = cliApi("earnings", ALICE.address().toHex()).ok();
    assertThat(earnings.out())
        .contains("claimable  " + toAlice.toOpenString() + " OPEN")
        .contains("From the records of operator " + OPERATOR)
        .contains("batched    " + toAlice.toOpenString() + " OPEN (" + toAlice.value() + ")")
        .contains("as         contributor " + toAlice.toOpenString() + " OPEN")
        .containsPattern("  #3 +[0-9]+ inference\\(s\\)  " + toAlice.toOpenString())
        .contains("  model 1      " + toAlice.toOpenString() + " OPEN");
    JsonNode ej =
        cliApi("earnings", "--private-key-file", aliceKey.toString(), "--json").ok().json();
    assertThat(ej.get("claimable").asText()).isEqualTo(toAlice.value().toString());
    assertThat(
            ej.get("breakdown")
                .get("records")
                .get("byContribution")
                .get(0)
                .get("contribution")
                .asLong())
        .isEqualTo(3);

    Run claim = cli("claim", "--private-key-file", aliceKey.toString()).ok();
    assertThat(claim.out()).contains("(" + toAlice.value() + " base units) to " + ALICE.address());
    assertThat(InferenceModule.earnings(node.state(), ALICE.address()).claimed())
        .isEqualTo(toAlice);
    cli("claim", "--private-key-file", aliceKey.toString()).fails("inference: nothing to claim");
  }

  @Test
  @Order(10)
  void signedSpendingGoesOnAfterTheBatchAndOnAChainMadeAgain() throws Exception {
    Amount budget = budget(PROMPT, DEFAULT_MAX_TOKENS);
    // what this machine recorded is what the chain charged: the next authorization starts there
    Amount paid = spendFile().paid().orElseThrow();
    assertThat(paid).isEqualTo(charged());
    Run next = inferSigned("--model-id", "1").ok();
    String r5 = receiptOf(next.out());
    assertThat(amount(record(r5).get("authorized"))).isEqualTo(paid.add(budget));
    assertThat(postEverything()).isEqualTo(2);
    assertThat(charged()).isEqualTo(spendFile().paid().orElseThrow());

    // a record kept on another chain with the same id (a devnet made again) is not used
    SpendFile file = spendFile();
    String text = Files.readString(file.file());
    Files.writeString(
        file.file(), text.replace(file.genesis().toHex(), Hash.keccak256(new byte[1]).toHex()));
    Run again = inferSigned("--model-id", "1").ok();
    assertThat(again.err())
        .contains("was kept on another chain with id 1337")
        .contains("starting from what this chain says " + OPERATOR + " has charged you");
    String r6 = receiptOf(again.out());
    assertThat(amount(record(r6).get("authorized"))).isEqualTo(charged().add(budget));
    assertThat(postEverything()).isEqualTo(3);
    assertThat(charged()).isEqualTo(spendFile().paid().orElseThrow());
  }

  @Test
  @Order(11)
  void withdrawAfterTheDelay() throws Exception {
    Amount before = InferenceModule.escrowOf(node.state(), APP.address()).balance();
    Run req = cli("escrow", "withdraw", "1", "--private-key-file", appKey.toString()).ok();
    assertThat(req.out()).contains("Requested a withdrawal of 1 OPEN");
    cli("escrow", "withdraw", "--finalize", "--private-key-file", appKey.toString())
        .fails("execution reverted: inference: withdrawal possible at");
    awaitChainTime(InferenceModule.escrowOf(node.state(), APP.address()).withdrawableAt());
    Run w = cli("escrow", "withdraw", "--finalize", "--private-key-file", appKey.toString()).ok();
    assertThat(w.out()).contains("Withdrew 1 OPEN to " + APP.address());
    Escrow e = InferenceModule.escrowOf(node.state(), APP.address());
    assertThat(e.balance()).isEqualTo(before.subtract(Amount.open(1)));
    cli("escrow", "withdraw", "--finalize", "--private-key-file", appKey.toString())
        .fails("inference: no withdrawal requested");
  }

  @Test
  @Order(12)
  void revokeTheKey() throws Exception {
    Run r = cli("apikey", "revoke", apiKey, "--private-key-file", appKey.toString()).ok();
    assertThat(r.out()).contains("Revoked API key");
    assertThat(cli("apikey", "show", apiKey).ok().out()).contains("status     revoked at");
    cliApi("infer", "hello", "--model-id", "1", "--api-key", apiKey)
        .fails(
            "refused the request (POST /v1/chat/completions, HTTP 401): invalid_api_key: API key"
                + " revoked at");
    cli("apikey", "revoke", apiKey, "--private-key-file", appKey.toString())
        .fails("was already revoked");
  }

  @Test
  @Order(13)
  void aContributorPayingForItsOwnDataPaysTheTreasury() throws Exception {
    cli("escrow", "deposit", "1", "--private-key-file", aliceKey.toString()).ok();
    Run r =
        cliApi(
                "infer",
                PROMPT,
                "--model-id",
                "1",
                "--temperature",
                "0",
                "--spend-dir",
                spendDir.toString(),
                "--private-key-file",
                aliceKey.toString())
            .ok();
    assertThat(r.out())
        .containsPattern(
            "#3 +1 +"
                + ALICE.address()
                + " +[0-9]+  [0-9.]+ OPEN \\([0-9]+\\)  to 0x0000000000000000000000000000000000001000"
                + " \\(you are its contributor\\)");
    JsonNode receipt = apiGet("/v1/receipts/" + receiptOf(r.out()));
    for (JsonNode p : receipt.get("payouts")) {
      assertThat(p.get("account").asText()).isNotEqualTo(ALICE.address().toHex());
    }
  }

  // ---- refusals ----

  @Test
  @Order(20)
  void unknownIdsAreNamed() {
    cli("datanet", "show", "99").fails("execution reverted: datanet: unknown datanet 99");
    cli("model", "show", "99").fails("execution reverted: model: unknown model 99");
    cli("datanet", "approve", "99", "--private-key-file", ownerKey.toString())
        .fails("datanet: unknown contribution 99");
    cliApi("infer", "hi", "--model-id", "99", "--private-key-file", appKey.toString())
        .fails("model: unknown model 99");
    cli("apikey", "show", "olk_nothing").fails("no API key with hash");
    cli(
            "batch",
            "finalize",
            "--operator",
            OPERATOR.toHex(),
            "--seq",
            "7",
            "--private-key-file",
            bobKey.toString())
        .fails("inference: batch 7 of " + OPERATOR + " was never posted");
    cli("batch", "show", "--operator", OPERATOR.toHex(), "--seq", "7")
        .fails("has posted no batch 7");
  }

  @Test
  @Order(21)
  void contributionsRefusedBeforeAnythingIsSent() throws Exception {
    Path big = Files.write(dir.resolve("big.txt"), new byte[5000]);
    cliApi("datanet", "contribute", "1", big.toString(), "--private-key-file", bobKey.toString())
        .fails("is 5000 bytes, over the limit of 4096 bytes per submission; nothing was sent");
    assertThat(node.economy().blobs().exists(Hash.keccak256(new byte[5000]))).isFalse();
    Path other = textFile("unknown.txt", "some words for nobody");
    cliApi("datanet", "contribute", "42", other.toString(), "--private-key-file", bobKey.toString())
        .fails("datanet: unknown datanet 42");
    assertThat(node.economy().blobs().exists(Hash.keccak256("some words for nobody".getBytes())))
        .isFalse();
    cliApi(
            "datanet",
            "contribute",
            "1",
            dir.resolve("missing.txt").toString(),
            "--private-key-file",
            bobKey.toString())
        .fails("no such file");
    cliApi(
            "datanet",
            "contribute",
            "1",
            dir.resolve("harbour.txt").toString(),
            "--private-key-file",
            aliceKey.toString())
        .fails("harbour.txt is already contribution 1 of datanet 1; nothing was sent");
  }

  @Test
  @Order(22)
  void onlyTheOwnerCurates() throws Exception {
    cliApi(
            "datanet",
            "contribute",
            "1",
            textFile("late.txt", "A late contribution about lighthouses and their keepers.")
                .toString(),
            "--private-key-file",
            bobKey.toString())
        .ok();
    cli("datanet", "approve", "5", "--private-key-file", bobKey.toString())
        .fails("datanet: only the owner of datanet 1");
    cliApi("datanet", "publish", "1", "--local", "--private-key-file", bobKey.toString())
        .fails("only the owner of datanet 1 (" + OWNER.address() + ") can publish it");
    cliApi("datanet", "publish", "1", "--local", "--private-key-file", ownerKey.toString())
        .fails("datanet 1 has accepted nothing since version 2");
    cliApi("datanet", "publish", "1", "--private-key-file", ownerKey.toString())
        .fails("execution reverted: datanet: nothing accepted since version 2");
    cli("datanet", "approve", "5", "--score", "101", "--private-key-file", ownerKey.toString())
        .fails("--score must be 0..100");
    cli(
            "datanet",
            "reject",
            "5",
            "--reason",
            "off topic",
            "--private-key-file",
            ownerKey.toString())
        .ok();
    assertThat(contribution(5).status()).isEqualTo(ContributionStatus.REJECTED);
    cli("datanet", "reject", "5", "--reason", "again", "--private-key-file", ownerKey.toString())
        .fails("is rejected, not pending");
  }

  @Test
  @Order(23)
  void aPublishWithoutTheBlobsIsRefused() throws Exception {
    cli("datanet", "create", "--name", "lost", "--private-key-file", ownerKey.toString()).ok();
    String text = "A contribution whose bytes the node has lost.";
    cliApi(
            "datanet",
            "contribute",
            "2",
            textFile("lost.txt", text).toString(),
            "--private-key-file",
            bobKey.toString())
        .ok();
    cli("datanet", "approve", "6", "--private-key-file", ownerKey.toString()).ok();
    Hash lost = Hash.keccak256(text.getBytes(StandardCharsets.UTF_8));
    assertThat(node.economy().blobs().delete(lost, info -> true)).isTrue();
    cliApi("datanet", "publish", "2", "--private-key-file", ownerKey.toString())
        .fails(
            "(GET /v1/datanets/2/next-version, HTTP 409): missing_blob: blob "
                + lost.toHex()
                + " of contribution 6 is not in this node's blob store");
    cliApi("datanet", "publish", "2", "--local", "--private-key-file", ownerKey.toString())
        .fails("cannot fetch the blob " + lost.toHex() + " of contribution 6 (not_found)");
    assertThat(DatanetModule.readDatanet(node.state(), 2).orElseThrow().versions()).isZero();
    // without that blob the node cannot check a new upload for near duplicates, and says so
    Run next =
        cliApi(
                "datanet",
                "contribute",
                "2",
                textFile("found.txt", "Another text, for a datanet whose node lost a blob.")
                    .toString(),
                "--private-key-file",
                aliceKey.toString(),
                "--json")
            .ok();
    assertThat(next.err())
        .contains("warning: the node could not check for near duplicates (not done: blob " + lost);
    assertThat(next.json().get("nearDuplicateCheck").asText()).startsWith("not done: blob");
  }

  @Test
  @Order(24)
  void badModelRegistrations() throws Exception {
    String base = "0x" + "11".repeat(32);
    String adapter = "0x" + "22".repeat(32);
    cli(
            "model",
            "register",
            "--name",
            "m",
            "--base-hash",
            base,
            "--adapter-hash",
            adapter,
            "--datanet",
            "1:9",
            "--private-key-file",
            ownerKey.toString())
        .fails("model: datanet 1 has no version 9");
    cli(
            "model",
            "register",
            "--name",
            "m",
            "--base-hash",
            base,
            "--adapter-hash",
            adapter,
            "--datanet",
            "1:2",
            "--price-in",
            "0.0000000000000000001",
            "--private-key-file",
            ownerKey.toString())
        .fails("--price-in: more than 18 decimals");
    cli(
            "model",
            "register",
            "--name",
            "m",
            "--base-hash",
            base,
            "--adapter-hash",
            adapter,
            "--datanet",
            "one",
            "--private-key-file",
            ownerKey.toString())
        .fails("--datanet: want ID:VERSION");
    cli(
            "model",
            "register",
            "--name",
            "m",
            "--base",
            Files.createDirectories(dir.resolve("empty")).toString(),
            "--adapter-hash",
            adapter,
            "--datanet",
            "1:2",
            "--private-key-file",
            ownerKey.toString())
        .fails("holds no .safetensors file");
  }

  @Test
  @Order(25)
  void paymentRefusals() throws Exception {
    cli("escrow", "deposit", "1000000", "--private-key-file", nobodyKey.toString())
        .fails("insufficient funds");
    cliApi(
            "infer",
            "hi",
            "--model-id",
            "1",
            "--spend-dir",
            spendDir.toString(),
            "--private-key-file",
            nobodyKey.toString())
        .fails("HTTP 402): payment_required: the escrow of " + NOBODY.address() + " cannot pay");
    cliApi("infer", "hi", "--model-id", "1").fails("model 1 is paid: sign with --from");
    cliApi(
            "infer",
            "hi",
            "--model-id",
            "2",
            "--spend-dir",
            spendDir.toString(),
            "--private-key-file",
            appKey.toString())
        .fails("HTTP 404): model_not_served: adapter ");
    cli("escrow", "withdraw", "--private-key-file", nobodyKey.toString())
        .fails("the escrow of " + NOBODY.address() + " is empty");
    cli("escrow", "withdraw", "5", "--private-key-file", nobodyKey.toString())
        .fails("inference: withdrawal of 5000000000000000000 exceeds the escrow of 0");
    cli("escrow", "show").fails("give ADDRESS, or --from / --private-key-file");
    cli("apikey", "create", "--cap", "0", "--private-key-file", appKey.toString())
        .fails("--cap must be above zero");
  }

  @Test
  @Order(26)
  void unreachableNodesAreNamed() throws Exception {
    run("datanet", "list", "--rpc", "http://127.0.0.1:1")
        .fails("cannot reach a node at http://127.0.0.1:1");
    cli(
            "datanet",
            "contribute",
            "1",
            textFile("x.txt", "unreachable api").toString(),
            "--api",
            "http://127.0.0.1:1",
            "--private-key-file",
            bobKey.toString())
        .fails("cannot reach the node's API at http://127.0.0.1:1");
    cli(
            "datanet",
            "create",
            "--name",
            "x",
            "--licence",
            "commercial,free",
            "--private-key-file",
            ownerKey.toString())
        .fails("--licence: unknown flag 'free'");
    cli(
            "datanet",
            "create",
            "--name",
            "x",
            "--type",
            "video",
            "--private-key-file",
            ownerKey.toString())
        .fails("--type: want text, image or audio");
  }
}
