package io.openledger.node.economy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionStatus;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.inference.ApiKey;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.Escrow;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.OpenLedgerCommand;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.adapter.AdapterBundle;
import io.openledger.openlora.safetensors.DType;
import io.openledger.openlora.safetensors.SafetensorsWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-economy commands run in-process through picocli, as a user types them, against the real
 * node and a real blob API: create a datanet, contribute (with a near duplicate flagged and left
 * out of the index), approve, publish (computed here, then through the node's route), register a
 * model with an uploaded adapter, deposit, make an API key, infer (signed and with the key), post a
 * batch with the signed charge the CLI produced, finalize it, show earnings, claim, withdraw and
 * revoke; then every refusal the user can meet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EconomyCliE2ETest {
  @TempDir static Path dir;
  static EconomyTestNode node;

  static final DevAccounts.DevAccount OWNER = DevAccounts.ALL.get(0);
  static final DevAccounts.DevAccount ALICE = DevAccounts.ALL.get(1);
  static final DevAccounts.DevAccount BOB = DevAccounts.ALL.get(2);
  static final DevAccounts.DevAccount APP = DevAccounts.ALL.get(3);
  static final DevAccounts.DevAccount OPERATOR = DevAccounts.ALL.get(4);
  static final DevAccounts.DevAccount NOBODY = DevAccounts.ALL.get(5);

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

  static Path ownerKey;
  static Path aliceKey;
  static Path bobKey;
  static Path appKey;
  static Path operatorKey;
  static Path nobodyKey;
  static Path spendDir;
  static Path adapterDir;
  static Path baseDir;
  static String apiKey;

  @BeforeAll
  static void start() throws Exception {
    node = EconomyTestNode.start(dir.resolve("chain"));
    ownerKey = keyFile(OWNER);
    aliceKey = keyFile(ALICE);
    bobKey = keyFile(BOB);
    appKey = keyFile(APP);
    operatorKey = keyFile(OPERATOR);
    nobodyKey = keyFile(NOBODY);
    spendDir = dir.resolve("spend");
    adapterDir = Files.createDirectories(dir.resolve("adapter"));
    Files.writeString(
        adapterDir.resolve("adapter_config.json"),
        "{\"peft_type\": \"LORA\", \"r\": 1, \"lora_alpha\": 2}");
    SafetensorsWriter.write(
        adapterDir.resolve("adapter_model.safetensors"),
        List.of(
            SafetensorsWriter.Entry.of("b.lora_B.weight", DType.F32, new float[] {1, 2}, 2, 1),
            SafetensorsWriter.Entry.of("a.lora_A.weight", DType.F32, new float[] {3, 4}, 1, 2)),
        Map.of());
    baseDir = Files.createDirectories(dir.resolve("base"));
    Files.writeString(baseDir.resolve("model-00002-of-00002.safetensors"), "second shard");
    Files.writeString(baseDir.resolve("model-00001-of-00002.safetensors"), "first shard");
    Files.writeString(baseDir.resolve("config.json"), "{}");
  }

  @AfterAll
  static void stop() {
    node.close();
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

  /** Runs with {@code --rpc} (and {@code --api} when the command has it) pointing at the node. */
  static Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--rpc");
    all.add(node.rpcUrl());
    return run(all.toArray(String[]::new));
  }

  static Run cliApi(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--api");
    all.add(node.apiUrl());
    return cli(all.toArray(String[]::new));
  }

  static Path textFile(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  static Contribution contribution(long id) {
    return DatanetModule.readContribution(node.state(), id).orElseThrow();
  }

  static JsonNode httpGet(String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(node.apiUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
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
    Contribution c = contribution(1);
    assertThat(c.contributor()).isEqualTo(ALICE.address());
    assertThat(c.blobHash()).isEqualTo(Hash.keccak256(ALICE_TEXT.getBytes(StandardCharsets.UTF_8)));
    assertThat(c.size()).isEqualTo(ALICE_TEXT.length());
    byte[] metadata =
        "{\"name\":\"harbour.txt\",\"mediaType\":\"text/plain\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(c.metadataHash()).isEqualTo(Hash.keccak256(metadata));
    assertThat(node.blob(c.metadataHash())).isEqualTo(metadata);
    assertThat(node.blob(c.blobHash())).isEqualTo(ALICE_TEXT.getBytes(StandardCharsets.UTF_8));

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
        .contains("warning: near duplicate of contribution 1 by " + ALICE.address())
        .contains("earns nothing");
    assertThat(bob.json().get("contribution").asLong()).isEqualTo(2);
    assertThat(bob.json().get("nearDuplicates").get(0).get("contribution").asLong()).isEqualTo(1);

    Run third =
        cliApi(
                "datanet",
                "contribute",
                "1",
                textFile("captain.md", ALICE_TEXT_2).toString(),
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
    JsonNode nodeSays = httpGet("/v1/datanets/1/next-version");
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
    assertThat(node.indexPolls(1, 1)).isZero();
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
    assertThat(j.get("indexed").get(0).asLong()).isEqualTo(4);
    assertThat(j.get("index").get("status").asText()).isEqualTo("ready");
    assertThat(j.get("transaction").asText()).startsWith("0x");
    assertThat(node.indexPolls(1, 2)).isEqualTo(2);
    assertThat(DatanetModule.readVersion(node.state(), 1, 2).orElseThrow().indexHash().toHex())
        .isEqualTo(j.get("indexHash").asText());
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
  void registerAModelWithAnUploadedAdapter() throws Exception {
    Run r =
        cliApi(
                "model",
                "register",
                "--name",
                "harbour-lora",
                "--base",
                baseDir.toString(),
                "--adapter",
                adapterDir.toString(),
                "--datanet",
                "1:2",
                "--price-in",
                "0.002",
                "--price-out",
                "0.006",
                "--operator",
                OPERATOR.address().toHex(),
                "--no-progress",
                "--private-key-file",
                ownerKey.toString())
            .ok();
    assertThat(r.out().strip()).isEqualTo("1");
    ByteArrayOutputStream bundle = new ByteArrayOutputStream();
    AdapterBundle.write(adapterDir, bundle);
    Hash adapterHash = Hash.keccak256(bundle.toByteArray());
    Hash baseHash =
        Hash.keccak256(
            Hash.keccak256("first shard".getBytes()).toArray(),
            Hash.keccak256("second shard".getBytes()).toArray());
    Model m = ModelModule.readModel(node.state(), 1).orElseThrow();
    assertThat(m.adapterHash()).isEqualTo(adapterHash);
    assertThat(m.baseModelHash()).isEqualTo(baseHash);
    assertThat(m.operator()).isEqualTo(OPERATOR.address());
    assertThat(m.owner()).isEqualTo(OWNER.address());
    assertThat(m.pricePerKIn()).isEqualTo(Amount.of(2_000_000_000_000_000L));
    assertThat(m.pricePerKOut()).isEqualTo(Amount.of(6_000_000_000_000_000L));
    assertThat(m.datanets()).containsExactly(new Model.DatanetRef(1, 2));
    assertThat(node.blob(adapterHash)).isEqualTo(bundle.toByteArray());

    JsonNode show = cli("model", "show", "1", "--json").ok().json();
    assertThat(show.get("adapterHash").asText()).isEqualTo(adapterHash.toHex());
    assertThat(show.get("pricePerKIn").asText()).isEqualTo("2000000000000000");
    assertThat(cli("model", "list", "--json").ok().json()).hasSize(1);
    assertThat(cli("model", "show", "1").ok().out())
        .contains("price in    0.002 OPEN / 1k tokens")
        .contains("datanets    1:2");
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

  /** The default budget for {@code prompt} at model 1's prices and 128 tokens. */
  static Amount budget(String prompt) {
    BigInteger usage =
        BigInteger.valueOf(prompt.getBytes(StandardCharsets.UTF_8).length + 256)
            .multiply(BigInteger.valueOf(2_000_000_000_000_000L))
            .add(BigInteger.valueOf(128).multiply(BigInteger.valueOf(6_000_000_000_000_000L)));
    BigInteger[] qr = usage.divideAndRemainder(BigInteger.valueOf(1000));
    return Amount.of(qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE)).add(Amount.of(5));
  }

  @Test
  @Order(8)
  void inferSignedThenWithTheKey() throws Exception {
    String prompt = "Tell me about the harbour";
    Run first =
        cliApi(
                "infer",
                prompt,
                "--model-id",
                "1",
                "--spend-dir",
                spendDir.toString(),
                "--private-key-file",
                appKey.toString())
            .ok();
    assertThat(first.err()).contains("No spend record at").contains("starting from what the chain");
    assertThat(first.out())
        .contains("[Fortune favours the bold], and [the bold] pay their contributors.")
        .contains(
            "Fee 0.000000000000000021 OPEN (21 base units) for 12 prompt + 9 completion tokens")
        .contains("#1")
        .contains(ALICE.address().toHex())
        .contains("600000")
        .contains("Receipt 0x" + "ab".repeat(32));
    EconomyTestNode.AcceptedSpend s1 = node.spends.getFirst();
    assertThat(s1.payer()).isEqualTo(APP.address());
    assertThat(s1.operator()).isEqualTo(OPERATOR.address());
    assertThat(s1.authorized()).isEqualTo(budget(prompt));
    JsonNode body = node.requests.getFirst();
    assertThat(body.get("model").asText())
        .isEqualTo(ModelModule.readModel(node.state(), 1).orElseThrow().adapterHash().toHex());
    assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo(prompt);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(128);
    Path record =
        spendDir
            .resolve("1337")
            .resolve(APP.address().toHex() + "-" + OPERATOR.address().toHex() + ".json");
    assertThat(Json.MAPPER.readTree(Files.readString(record)).get("paid").asText()).isEqualTo("21");

    String adapter = ModelModule.readModel(node.state(), 1).orElseThrow().adapterHash().toHex();
    Run second =
        cliApi(
                "infer",
                prompt,
                "--model",
                "tiny:" + adapter,
                "--completion",
                "--spend-dir",
                spendDir.toString(),
                "--private-key-file",
                appKey.toString(),
                "--json")
            .ok();
    assertThat(second.err()).doesNotContain("No spend record");
    assertThat(second.json().get("openledger").get("fee").asText()).isEqualTo("21");
    assertThat(second.json().get("choices").get(0).get("text").asText())
        .isEqualTo(EconomyTestNode.OUTPUT);
    EconomyTestNode.AcceptedSpend s2 = node.spends.get(1);
    assertThat(s2.authorized()).isEqualTo(Amount.of(21).add(budget(prompt)));
    assertThat(node.requests.get(1).get("prompt").asText()).isEqualTo(prompt);
    assertThat(Json.MAPPER.readTree(Files.readString(record)).get("paid").asText()).isEqualTo("42");

    Run withKey =
        cliApi("infer", "hello", "--model-id", "1", "--api-key", apiKey, "--max-tokens", "16").ok();
    assertThat(withKey.out()).contains("Payouts");
    assertThat(node.spends).hasSize(2);

    Run fixedFee =
        cliApi(
                "infer",
                prompt,
                "--model-id",
                "1",
                "--max-fee",
                "0.000000000000000021",
                "--spend-dir",
                spendDir.toString(),
                "--private-key-file",
                appKey.toString())
            .ok();
    assertThat(fixedFee.err()).contains("up to 0.000000000000000063 OPEN in all");
    assertThat(node.spends.get(2).authorized()).isEqualTo(Amount.of(63));
  }

  @Test
  @Order(9)
  void theSignedChargeIsAcceptedOnChainThenFinalizedAndClaimed() throws Exception {
    EconomyTestNode.AcceptedSpend last = node.spends.getLast();
    SpendAuthorization auth =
        new SpendAuthorization(last.operator(), last.requestHash(), last.authorized());
    byte[] data =
        InferenceModule.encodePostBatch(
            0,
            Hash.keccak256("records".getBytes()),
            0,
            3,
            List.of(Charge.signed(APP.address(), Amount.of(63), auth, last.signature())),
            List.of(
                new Payout(ALICE.address(), Amount.of(12)),
                new Payout(OWNER.address(), Amount.of(51))));
    cli(
            "send",
            "--private-key-file",
            operatorKey.toString(),
            "--to",
            InferenceModule.ADDRESS.toHex(),
            "--data",
            Bytes.toHex(data),
            "--wait")
        .ok();
    JsonNode batch =
        cli("batch", "show", "--operator", OPERATOR.address().toHex(), "--seq", "0", "--json")
            .ok()
            .json();
    assertThat(batch.get("total").asText()).isEqualTo("63");
    assertThat(batch.get("finalized").asBoolean()).isFalse();
    assertThat(InferenceModule.charged(node.state(), APP.address(), OPERATOR.address()))
        .isEqualTo(Amount.of(63));

    Thread.sleep(2_100); // the challenge window is 1 s
    Run fin =
        cli(
                "batch",
                "finalize",
                "--operator",
                OPERATOR.address().toHex(),
                "--seq",
                "0",
                "--private-key-file",
                bobKey.toString())
            .ok();
    assertThat(fin.out()).contains("Finalized batch 0 of " + OPERATOR.address());

    Run earnings = cliApi("earnings", ALICE.address().toHex()).ok();
    assertThat(earnings.out())
        .contains("claimable  0.000000000000000012 OPEN")
        .contains("Per contribution")
        .contains("contribution 1  inferences 2  amount 8");
    JsonNode ej =
        cliApi("earnings", "--private-key-file", aliceKey.toString(), "--json").ok().json();
    assertThat(ej.get("claimable").asText()).isEqualTo("12");
    assertThat(ej.get("breakdown").get("contributions")).hasSize(1);

    Run claim = cli("claim", "--private-key-file", aliceKey.toString()).ok();
    assertThat(claim.out()).contains("(12 base units) to " + ALICE.address());
    assertThat(InferenceModule.earnings(node.state(), ALICE.address()).claimed())
        .isEqualTo(Amount.of(12));
    cli("claim", "--private-key-file", aliceKey.toString()).fails("inference: nothing to claim");
  }

  @Test
  @Order(10)
  void withdrawAfterTheDelay() throws Exception {
    Run req = cli("escrow", "withdraw", "1", "--private-key-file", appKey.toString()).ok();
    assertThat(req.out()).contains("Requested a withdrawal of 1 OPEN");
    cli("escrow", "withdraw", "--finalize", "--private-key-file", appKey.toString())
        .fails("execution reverted: inference: withdrawal possible at");
    Thread.sleep(3_100); // the withdrawal delay is 2 s
    Run w = cli("escrow", "withdraw", "--finalize", "--private-key-file", appKey.toString()).ok();
    assertThat(w.out()).contains("Withdrew 1 OPEN to " + APP.address());
    Escrow e = InferenceModule.escrowOf(node.state(), APP.address());
    assertThat(e.balance()).isEqualTo(Amount.parseOpen("9").subtract(Amount.of(63)));
    cli("escrow", "withdraw", "--finalize", "--private-key-file", appKey.toString())
        .fails("inference: no withdrawal requested");
  }

  @Test
  @Order(11)
  void revokeTheKey() throws Exception {
    Run r = cli("apikey", "revoke", apiKey, "--private-key-file", appKey.toString()).ok();
    assertThat(r.out()).contains("Revoked API key");
    assertThat(cli("apikey", "show", apiKey).ok().out()).contains("status     revoked at");
    cliApi("infer", "hello", "--model-id", "1", "--api-key", apiKey)
        .fails("refused the request (POST /v1/chat/completions, HTTP 401): invalid_api_key");
    cli("apikey", "revoke", apiKey, "--private-key-file", appKey.toString())
        .fails("was already revoked");
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
            OPERATOR.address().toHex(),
            "--seq",
            "7",
            "--private-key-file",
            bobKey.toString())
        .fails("inference: batch 7 of " + OPERATOR.address() + " was never posted");
    cli("batch", "show", "--operator", OPERATOR.address().toHex(), "--seq", "7")
        .fails("has posted no batch 7");
  }

  @Test
  @Order(21)
  void contributionsRefusedBeforeAnythingIsSent() throws Exception {
    Path big = Files.write(dir.resolve("big.txt"), new byte[5000]);
    cliApi("datanet", "contribute", "1", big.toString(), "--private-key-file", bobKey.toString())
        .fails("is 5000 bytes, over the limit of 4096 bytes per submission; nothing was sent");
    assertThat(node.store.exists(Hash.keccak256(new byte[5000]))).isFalse();
    Path other = textFile("unknown.txt", "some words for nobody");
    cliApi("datanet", "contribute", "42", other.toString(), "--private-key-file", bobKey.toString())
        .fails("datanet: unknown datanet 42");
    assertThat(node.store.exists(Hash.keccak256("some words for nobody".getBytes()))).isFalse();
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
    assertThat(node.store.delete(lost, info -> true)).isTrue();
    cliApi("datanet", "publish", "2", "--private-key-file", ownerKey.toString())
        .fails("(GET /v1/datanets/2/next-version, HTTP 409): blob_missing: blob " + lost.toHex());
    cliApi("datanet", "publish", "2", "--local", "--private-key-file", ownerKey.toString())
        .fails("cannot fetch the blob " + lost.toHex() + " of contribution 6 (not_found)");
    assertThat(DatanetModule.readDatanet(node.state(), 2).orElseThrow().versions()).isZero();
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
        .fails("HTTP 402): payment_required: escrow exhausted");
    cliApi("infer", "hi", "--model-id", "1").fails("model 1 is paid: sign with --from");
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
