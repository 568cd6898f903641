package io.openledger.node.economy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.datanet.DataType;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.inference.FeeShares;
import io.openledger.chain.inference.InferenceParameters;
import io.openledger.chain.model.Model;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of the economy commands that need no node: parsing, hashing, budgets, rendering. */
class EconomyCliPartsTest {
  @TempDir Path dir;

  static final Address PAYER = Address.fromHex("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
  static final Address OPERATOR = Address.fromHex("0x15d34aaf54267db7d7c367839aaf71a00a2c6a65");

  @Test
  void creditedSpansAreHighlightedAndOverlapsMerge() throws Exception {
    String text = "the quick brown fox jumps over the lazy dog";
    var attribution =
        Json.MAPPER.readTree(
            """
            [{"contribution": 1, "spans": [{"start": 4, "end": 15, "text": "quick brown"}]},
             {"contribution": 2, "spans": [{"start": 10, "end": 19, "text": "brown fox"},
                                           {"start": 35, "end": 43, "text": "lazy dog"}]}]
            """);
    CreditedText t = CreditedText.of(text, attribution);
    assertThat(t.render(false)).isEqualTo("the [quick brown fox] jumps over the [lazy dog]");
    assertThat(t.render(true))
        .isEqualTo(
            "the \u001b[1;32mquick brown fox\u001b[0m jumps over the \u001b[1;32mlazy dog\u001b[0m");
    assertThat(t.unmatched()).isEmpty();
  }

  @Test
  void spansNotAtTheirOffsetsAreReportedNotHighlighted() throws Exception {
    var attribution =
        Json.MAPPER.readTree(
            """
            [{"spans": [{"start": 0, "end": 3, "text": "xyz"}, {"start": 5, "end": 99, "text": "far"},
                        {"start": 4, "end": 7, "text": "def"}]}]
            """);
    CreditedText t = CreditedText.of("abc def", attribution);
    assertThat(t.render(false)).isEqualTo("abc [def]");
    assertThat(t.unmatched()).containsExactly("\"xyz\"", "\"far\"");
    assertThat(CreditedText.of("plain", Json.MAPPER.createArrayNode()).render(false))
        .isEqualTo("plain");
  }

  @Test
  void renderingKeepsEveryCharacterInRandomSpans() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 2_000; i++) {
      int n = 1 + random.nextInt(60);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < n; k++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      String text = sb.toString();
      var spans = Json.MAPPER.createArrayNode();
      var a = spans.addObject().putArray("spans");
      for (int s = random.nextInt(5); s > 0; s--) {
        int start = random.nextInt(n);
        int end = start + 1 + random.nextInt(n - start);
        a.addObject().put("start", start).put("end", end).put("text", text.substring(start, end));
      }
      String rendered = CreditedText.of(text, spans).render(false);
      assertThat(rendered.replace("[", "").replace("]", "")).isEqualTo(text);
      assertThat(rendered).doesNotContain("[]").doesNotContain("][");
    }
  }

  @Test
  void adapterHashesInModelNames() {
    String hex = "0x" + "ab".repeat(32);
    assertThat(InferCommand.adapterOf("tiny:" + hex)).contains(Hash.fromHex(hex));
    assertThat(InferCommand.adapterOf(hex)).contains(Hash.fromHex(hex));
    assertThat(InferCommand.adapterOf("tiny")).isEmpty();
    assertThat(InferCommand.adapterOf("tiny:lora-1")).isEmpty();
    assertThatThrownBy(() -> InferCommand.adapterOf("tiny:0x1234"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("not a hash");
  }

  @Test
  void theDefaultBudgetRoundsUpAndAddsThePlatformFee() {
    InferCommand c = new InferCommand();
    c.prompt = "hi";
    c.maxTokens = 10;
    Model m = model(Amount.of(7), Amount.of(13));
    InferenceParameters p = new InferenceParameters(60, 180, 180, FeeShares.DEFAULT, Amount.of(5));
    // ((2 + 256) * 7 + 10 * 13) / 1000 = 1936 / 1000 -> 2, + 5
    assertThat(c.estimate(m, p)).isEqualTo(Amount.of(7));
    c.prompt = "é"; // two UTF-8 bytes
    c.maxTokens = 1000;
    Model exact = model(Amount.of(1000), Amount.of(1000));
    // ((2 + 256) * 1000 + 1000 * 1000) / 1000 = 1258 exactly
    assertThat(c.estimate(exact, p)).isEqualTo(Amount.of(1263));
  }

  @Test
  void theBudgetCoversTheFeeRuleForAnyUsageWithinIt() {
    SplittableRandom random = new SplittableRandom(11);
    InferenceParameters p = new InferenceParameters(60, 180, 180, FeeShares.DEFAULT, Amount.of(3));
    for (int i = 0; i < 2_000; i++) {
      InferCommand c = new InferCommand();
      c.prompt = "x".repeat(random.nextInt(200));
      c.maxTokens = 1 + random.nextInt(500);
      Model m = model(Amount.of(random.nextLong(1L << 50)), Amount.of(random.nextLong(1L << 50)));
      long in = c.prompt.length() + 1 + random.nextInt(InferCommand.PROMPT_OVERHEAD);
      long out = 1 + random.nextInt(c.maxTokens);
      Amount fee = p.feeRule().fee(in, out, m.pricePerKIn(), m.pricePerKOut());
      assertThat(fee.compareTo(c.estimate(m, p))).isLessThanOrEqualTo(0);
    }
  }

  static Model model(Amount in, Amount out) {
    return new Model(
        1,
        PAYER,
        OPERATOR,
        "m",
        Hash.ZERO,
        Hash.ZERO,
        in,
        out,
        0,
        List.of(new Model.DatanetRef(1, 1)));
  }

  @Test
  void baseModelHashIsTheHashOfTheShardHashesInNameOrder() throws Exception {
    Files.writeString(dir.resolve("b.safetensors"), "bbb");
    Files.writeString(dir.resolve("a.safetensors"), "aaa");
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    Files.createDirectories(dir.resolve("sub.safetensors"));
    Hash expected =
        Hash.keccak256(
            Hash.keccak256("aaa".getBytes()).toArray(), Hash.keccak256("bbb".getBytes()).toArray());
    assertThat(BaseModelHash.of(dir)).isEqualTo(expected);
    assertThatThrownBy(() -> BaseModelHash.of(dir.resolve("tokenizer.json")))
        .hasMessageContaining("not a directory");
  }

  static final Hash GENESIS = Hash.keccak256("genesis".getBytes());

  @Test
  void spendRecordsRoundTripAndBelongToOnePairOnOneChain() throws Exception {
    SpendFile f = SpendFile.of(dir, 1337, GENESIS, PAYER, OPERATOR);
    assertThat(f.file())
        .isEqualTo(dir.resolve("1337").resolve(PAYER.toHex() + "-" + OPERATOR.toHex() + ".json"));
    assertThat(f.read()).isEqualTo(new SpendFile.Read.Missing());
    assertThat(f.paid()).isEmpty();
    Amount big = Amount.of(BigInteger.TWO.pow(200).add(BigInteger.ONE));
    f.write(big);
    assertThat(f.paid()).contains(big);
    f.write(Amount.of(21));
    assertThat(f.paid()).contains(Amount.of(21));
    try (var files = Files.list(f.file().getParent())) {
      assertThat(files).hasSize(1);
    }

    // a devnet made again has the same chain id but another genesis: its record is not used
    Hash again = Hash.keccak256("genesis, again".getBytes());
    SpendFile remade = SpendFile.of(dir, 1337, again, PAYER, OPERATOR);
    assertThat(remade.read()).isEqualTo(new SpendFile.Read.OtherChain(GENESIS));
    assertThat(remade.paid()).isEmpty();
    remade.write(Amount.of(5));
    assertThat(remade.paid()).contains(Amount.of(5));
    assertThat(f.read()).isEqualTo(new SpendFile.Read.OtherChain(again));

    SpendFile other = SpendFile.of(dir, 1337, GENESIS, OPERATOR, PAYER);
    Files.createDirectories(other.file().getParent());
    Files.copy(f.file(), other.file());
    assertThatThrownBy(other::paid).hasMessageContaining("of another payer, operator or chain");
    Files.writeString(other.file(), "{not json");
    assertThatThrownBy(other::paid)
        .hasMessageContaining("cannot read the spend record")
        .hasMessageContaining("fix or delete it");
  }

  @Test
  void theSpendLockIsHeldUntilClosed() throws Exception {
    SpendFile f = SpendFile.of(dir, 1337, GENESIS, PAYER, OPERATOR);
    try (SpendFile.Held held = f.lock()) {
      // the same process asking again is refused at once (another process would wait)
      assertThatThrownBy(f::lock).hasMessageContaining("cannot lock the spend record");
    }
    try (SpendFile.Held again = f.lock()) {
      assertThat(Files.exists(f.file().resolveSibling(f.file().getFileName() + ".lock"))).isTrue();
    }
  }

  @Test
  void nearDuplicatesAsTheUploadCheckReportsThem() throws Exception {
    var answer =
        Json.MAPPER.readTree(
            """
            {"hash": "0x00", "datanet": 1,
             "near_duplicates": [{"contribution": 1,
                                  "contributor": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
                                  "similarity": "0.72"}],
             "near_duplicate_check": "not done: blob 0x11 of contribution 6 is missing"}
            """);
    assertThat(DatanetCommand.nearDuplicates(answer))
        .containsExactly(
            "near duplicate of contribution 1 by 0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
                + " (similarity 0.72): if accepted, it is left out of the index and earns nothing",
            "the node could not check for near duplicates (not done: blob 0x11 of contribution 6"
                + " is missing)");
    assertThat(DatanetCommand.nearDuplicates(Json.MAPPER.readTree("{\"near_duplicates\": []}")))
        .isEmpty();
  }

  @Test
  void earningsBreakdownOfTheNodesRecords() throws Exception {
    var records =
        Json.MAPPER.readTree(
            """
            {"operator": "0x976ea74026e726554db657fa54763abd0c3a0aa9", "records": 1,
             "total": "733750000000000", "batched": "733750000000000", "unbatched": "0",
             "byRole": {"owner": "0", "operator": "0", "contributor": "733750000000000",
                        "treasury": "0"},
             "byModel": [{"model": 1, "amount": "733750000000000"}],
             "byContribution": [{"contribution": 2, "amount": "733750000000000",
                                 "inferences": 1}]}
            """);
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      EarningsCommand.printBreakdown(out, records);
    }
    assertThat(text.toString().lines())
        .containsExactly(
            "From the records of operator 0x976ea74026e726554db657fa54763abd0c3a0aa9: 1 paid"
                + " inference(s)",
            "  total      0.00073375 OPEN (733750000000000)",
            "  batched    0.00073375 OPEN (733750000000000)",
            "  unbatched  0 OPEN (0)  (in the operator's next batch)",
            "  as         contributor 0.00073375 OPEN",
            "Per contribution",
            "  #2         1 inference(s)  0.00073375 OPEN (733750000000000)",
            "Per model",
            "  model 1      0.00073375 OPEN (733750000000000)");
  }

  @Test
  void licenceFlagsByName() {
    assertThat(DatanetCommand.parseLicence("commercial,attribution")).isEqualTo(new Licence(3));
    assertThat(DatanetCommand.parseLicence(" Share-Alike , no-derivatives"))
        .isEqualTo(new Licence(12));
    assertThat(DatanetCommand.parseLicence("none")).isEqualTo(new Licence(0));
    assertThatThrownBy(() -> DatanetCommand.parseLicence("commercial,,attribution"))
        .hasMessageContaining("unknown flag ''");
    assertThat(DatanetCommand.parseType("Image")).isEqualTo(DataType.IMAGE);
  }

  @Test
  void metadataIsCompactJsonInAFixedOrder() {
    byte[] m = DatanetCommand.Contribute.metadataJson("a \"b\".txt", "text/plain");
    assertThat(new String(m, StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"a \\\"b\\\".txt\",\"mediaType\":\"text/plain\"}");
    assertThat(MediaTypes.guess(Path.of("x.JPG"), DataType.TEXT)).isEqualTo("image/jpeg");
    assertThat(MediaTypes.guess(Path.of("notes"), DataType.TEXT)).isEqualTo("text/plain");
    assertThat(MediaTypes.guess(Path.of("clip.bin"), DataType.AUDIO))
        .isEqualTo("application/octet-stream");
  }

  @Test
  void apiKeysAreRandomAndHashedAsUtf8() {
    SecureRandom random = new SecureRandom();
    String a = ApiKeyCommand.newKey(random);
    String b = ApiKeyCommand.newKey(random);
    assertThat(a).matches("olk_[0-9a-f]{64}").isNotEqualTo(b);
    assertThat(ApiKeyCommand.keyHash(a))
        .isEqualTo(Hash.keccak256(a.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void pricesAndDatanetVersionsParseExactly() {
    assertThat(RegisteredModelCommands.parsePrice("0.000000000000000001", "--price-in"))
        .isEqualTo(Amount.of(1));
    assertThat(RegisteredModelCommands.parsePrice("1.5", "--price-in"))
        .isEqualTo(Amount.of(new BigInteger("1500000000000000000")));
    assertThatThrownBy(() -> RegisteredModelCommands.parsePrice("-1", "--price-out"))
        .hasMessageContaining("--price-out");
    assertThat(RegisteredModelCommands.parseDatanetRef("3:12"))
        .isEqualTo(new Model.DatanetRef(3, 12));
    for (String bad : List.of("3", ":1", "3:", "0:1", "1:0", "a:b", "1:2:3")) {
      assertThatThrownBy(() -> RegisteredModelCommands.parseDatanetRef(bad))
          .as(bad)
          .hasMessageContaining("want ID:VERSION");
    }
  }

  @Test
  void aNextVersionAnswerNotAsDocumentedIsAnError() throws Exception {
    assertThatThrownBy(
            () -> NextVersion.fromJson(Json.MAPPER.readTree("{\"datanet\": 1, \"version\": 2}")))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("not as documented");
    NextVersion v =
        NextVersion.fromJson(
            Json.MAPPER.readTree(
                """
                {"datanet": 1, "version": 2, "acceptedCount": 3,
                 "contributionsRoot": "0x%s", "indexHash": "0x%s",
                 "indexed": [1, 3], "excluded": [{"contribution": 2, "reason": "near duplicate"}]}
                """
                    .formatted("11".repeat(32), "22".repeat(32))));
    assertThat(v.indexed()).containsExactly(1L, 3L);
    assertThat(v.excluded().getFirst().reason()).isEqualTo("near duplicate");
    assertThat(Optional.of(v.toJson().get("contributionsRoot"))).contains("0x" + "11".repeat(32));
  }
}
