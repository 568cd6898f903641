package io.openledger.node.economy.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.ContributionShare;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.inference.FeeSplit;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.ledger.QueryResult;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.StoredRecord;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.server.OpenLoraServer;
import io.openledger.openlora.server.ServerConfig;
import io.openledger.openlora.server.ServerExtensions;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The economy read API through a real OpenLoRA server (the generated tiny model) and java.net.http,
 * over an operator's records on a real chain: 25 records, the first 10 in batch 0 (final), the next
 * 7 in batch 1 (pending), the rest unbatched; model 1's prices change after record 12. One test
 * serves a record more while the server runs, so the others count {@code s.records} when they mean
 * all records.
 */
class EconomyApiTest {
  static {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int RECORDS = 25;
  private static final int BATCH0 = 10;
  private static final int BATCHED = 17;

  @TempDir static Path dir;
  static EconomyScenario s;
  static PayoutBook book;
  static InferenceEngine engine;
  static OpenLoraServer server;

  @BeforeAll
  static void start() {
    s = new EconomyScenario();
    List<Long> c = s.contributions;
    s.serve(
        s.model1,
        s.payer,
        1_234,
        567,
        List.of(new Attribution(c.get(0), 600_000), new Attribution(c.get(1), 250_000)),
        "the first answer");
    SplittableRandom rnd = new SplittableRandom(2_027);
    while (s.records.size() < RECORDS) {
      if (s.records.size() == 12) {
        s.chain.setPrices(s.modelOwner, s.model1, Amount.of(5), Amount.of(1_000_000_000_007L));
      }
      s.serveRandom(rnd);
    }
    s.postBatch(BATCH0);
    s.postBatch(BATCHED - BATCH0);
    s.finalizeBatch(0);
    book = s.loadBook();
    // This chain registers no trained model, so no training fee was paid: no TrainingFeePaid logs.
    EconomyApi api =
        new EconomyApi(
            s.log, book, s.chain::state, s.operator.address(), f -> QueryResult.ok(List.of()));
    Path model = TestModels.writeModel(dir.resolve("tiny"), ModelSpec.tiny());
    engine = InferenceEngine.open(EngineConfig.of(model));
    server =
        OpenLoraServer.start(
            engine, ServerConfig.loopbackEphemeral(), api.mount(ServerExtensions.none()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  private record Reply(int status, JsonNode json) {}

  private static Reply get(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.baseUri() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return new Reply(r.statusCode(), Json.MAPPER.readTree(r.body()));
  }

  private static JsonNode ok(String path) throws Exception {
    Reply r = get(path);
    assertThat(r.status()).as("%s: %s", path, r.json()).isEqualTo(200);
    return r.json();
  }

  /** A client error in the API's shape; returns its message. */
  private static String error(String path, int status, String code) throws Exception {
    Reply r = get(path);
    assertThat(r.status()).as("%s: %s", path, r.json()).isEqualTo(status);
    assertThat(r.json().path("error").path("code").asText()).isEqualTo(code);
    return r.json().path("error").path("message").asText();
  }

  private static Amount amount(JsonNode n) {
    assertThat(n.isTextual()).as("amount %s is a decimal string", n).isTrue();
    return Amount.of(new BigInteger(n.asText()));
  }

  // ---- receipts ----

  @Test
  void everyReceiptCarriesItsRecordItsPayoutsAndOnceBatchedAProofThatVerifies() throws Exception {
    for (int n = 0; n < RECORDS; n++) {
      StoredRecord stored = s.records.get(n);
      InferenceRecord r = stored.record();
      JsonNode j = ok("/v1/receipts/" + stored.receiptId());

      assertThat(j.path("receiptId").asText()).isEqualTo(r.hash().toHex());
      assertThat(j.path("output").asText()).isEqualTo(stored.output());
      JsonNode rec = j.path("record");
      assertThat(rec.path("number").asLong()).isEqualTo(n);
      assertThat(rec.path("payer").asText()).isEqualTo(r.payer().toHex());
      assertThat(amount(rec.path("fee"))).isEqualTo(r.fee());
      InferenceRecord decoded = InferenceRecord.decode(Bytes.fromHex(rec.path("encoded").asText()));
      assertThat(decoded).isEqualTo(r);
      assertThat(decoded.operatorSignatureValid()).isTrue();

      FeeSplit gate = s.splits.get(n);
      Map<Address, Amount> payouts = new HashMap<>();
      Amount sum = Amount.ZERO;
      for (JsonNode p : j.path("payouts")) {
        payouts.put(Address.fromHex(p.path("account").asText()), amount(p.path("amount")));
        sum = sum.add(amount(p.path("amount")));
      }
      assertThat(sum).isEqualTo(r.fee());
      assertThat(
              Payout.merge(
                  payouts.entrySet().stream()
                      .map(e -> new Payout(e.getKey(), e.getValue()))
                      .toList()))
          .isEqualTo(gate.payouts());
      assertThat(j.path("attribution")).hasSize(gate.contributions().size());
      for (int i = 0; i < gate.contributions().size(); i++) {
        ContributionShare sh = gate.contributions().get(i);
        JsonNode a = j.path("attribution").get(i);
        assertThat(a.path("contribution").asLong()).isEqualTo(sh.contributionId());
        assertThat(a.path("ppm").asLong()).isEqualTo(sh.ppm());
        assertThat(amount(a.path("amount"))).isEqualTo(sh.amount());
        assertThat(a.path("paidTo").asText()).isEqualTo(sh.paidTo().toHex());
      }

      JsonNode batch = j.path("batch");
      if (n >= BATCHED) {
        assertThat(batch.isNull()).as("record %d is not batched", n).isTrue();
        continue;
      }
      long seq = n < BATCH0 ? 0 : 1;
      int first = n < BATCH0 ? 0 : BATCH0;
      int count = n < BATCH0 ? BATCH0 : BATCHED - BATCH0;
      assertThat(batch.path("seq").asLong()).isEqualTo(seq);
      assertThat(batch.path("firstRecord").asLong()).isEqualTo(first);
      assertThat(batch.path("recordCount").asLong()).isEqualTo(count);
      assertThat(batch.path("index").asInt()).isEqualTo(n - first);
      assertThat(batch.path("finalized").asBoolean()).isEqualTo(seq == 0);
      Hash root = Hash.fromHex(batch.path("recordsRoot").asText());
      List<Hash> leaves = new ArrayList<>();
      for (int i = first; i < first + count; i++) {
        leaves.add(s.records.get(i).record().hash());
      }
      assertThat(root).isEqualTo(RecordsMerkle.root(leaves));
      assertThat(root)
          .isEqualTo(
              InferenceModule.batch(s.chain.state(), s.operator.address(), seq)
                  .orElseThrow()
                  .recordsRoot());
      List<Hash> siblings = new ArrayList<>();
      batch.path("proof").forEach(h -> siblings.add(Hash.fromHex(h.asText())));
      RecordsMerkle.Proof proof = new RecordsMerkle.Proof(n - first, count, siblings);
      assertThat(RecordsMerkle.verify(root, r.hash(), proof)).as("proof of %d", n).isTrue();
      assertThat(
              RecordsMerkle.verify(root, s.records.get((n + 1) % RECORDS).record().hash(), proof))
          .isFalse();
    }
  }

  @Test
  void theFirstReceiptShowsTheFeeRuleSteps() throws Exception {
    JsonNode j = ok("/v1/receipts/" + s.records.getFirst().receiptId());
    FeeSplit gate = s.splits.getFirst();
    assertThat(j.path("modelPpm").asLong()).isEqualTo(150_000);
    assertThat(amount(j.path("fee").path("usage"))).isEqualTo(gate.usage());
    assertThat(amount(j.path("fee").path("data"))).isEqualTo(gate.data());
    assertThat(amount(j.path("fee").path("unattributed"))).isEqualTo(gate.unattributed());
    JsonNode first = j.path("attribution").get(0);
    assertThat(first.path("datanet").asLong()).isEqualTo(s.datanet1);
    assertThat(first.path("contributor").asText()).isEqualTo(s.alice.address().toHex());
  }

  @Test
  void aMalformedReceiptIdIs400AndAnUnknownOne404() throws Exception {
    assertThat(error("/v1/receipts/0x1234", 400, "invalid_parameter"))
        .isEqualTo("id must be 0x and 64 hex digits (a record hash), got '0x1234'");
    error("/v1/receipts/" + "ab".repeat(32), 400, "invalid_parameter"); // no 0x
    error("/v1/receipts/0x" + "zz".repeat(32), 400, "invalid_parameter");
    Hash unknown = Hash.keccak256(new byte[] {42});
    assertThat(error("/v1/receipts/" + unknown.toHex(), 404, "receipt_not_found"))
        .isEqualTo("no receipt " + unknown.toHex() + ": this node made no such record");
    // any case of the hex finds the receipt
    ok("/v1/receipts/0x" + s.records.get(3).receiptId().substring(2).toUpperCase(Locale.ROOT));
  }

  // ---- records ----

  @Test
  void recordsArePublishedPageByPage() throws Exception {
    JsonNode all = ok("/v1/records");
    assertThat(all.path("from").asLong()).isZero();
    assertThat(all.path("limit").asLong()).isEqualTo(100);
    assertThat(all.path("next").asLong()).isEqualTo(s.records.size());
    assertThat(all.path("records")).hasSize(s.records.size());
    JsonNode page = ok("/v1/records?from=20&limit=3");
    assertThat(page.path("records")).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode r = page.path("records").get(i);
      StoredRecord expected = s.records.get(20 + i);
      assertThat(r.path("receiptId").asText()).isEqualTo(expected.receiptId());
      assertThat(r.path("record").path("number").asLong()).isEqualTo(20 + i);
      assertThat(r.path("output").asText()).isEqualTo(expected.output());
      // anyone can check the hash from the published encoding and output
      InferenceRecord decoded =
          InferenceRecord.decode(Bytes.fromHex(r.path("record").path("encoded").asText()));
      assertThat(decoded.hash().toHex()).isEqualTo(expected.receiptId());
    }
    assertThat(ok("/v1/records?from=" + (s.records.size() - 2) + "&limit=10").path("records"))
        .hasSize(2);
    assertThat(ok("/v1/records?from=1000").path("records")).isEmpty();
    assertThat(ok("/v1/records?limit=1000").path("records")).hasSize(s.records.size());

    assertThat(error("/v1/records?limit=0", 400, "invalid_parameter"))
        .isEqualTo("limit must be between 1 and 1000, got 0");
    error("/v1/records?limit=1001", 400, "invalid_parameter");
    assertThat(error("/v1/records?from=-1", 400, "invalid_parameter"))
        .isEqualTo("from must be a decimal number, got '-1'");
    error("/v1/records?from=abc", 400, "invalid_parameter");
    error("/v1/records?from=", 400, "invalid_parameter");
    assertThat(error("/v1/records?limit=1&limit=2", 400, "invalid_parameter"))
        .isEqualTo("limit is given 2 times; give it once");
  }

  // ---- earnings ----

  @Test
  void earningsShowTheChainAndTheRecords() throws Exception {
    Map<Address, Amount> all = s.expectedEarnings(0, s.records.size());
    Map<Address, Amount> batched = s.expectedEarnings(0, BATCHED);
    for (Address a : all.keySet()) {
      JsonNode j =
          ok("/v1/economy/earnings/" + a.toHex().toUpperCase(Locale.ROOT).replace("0X", "0x"));
      assertThat(j.path("account").asText()).isEqualTo(a.toHex());
      Earnings onChain = InferenceModule.earnings(s.chain.state(), a);
      assertThat(amount(j.path("onChain").path("pending"))).isEqualTo(onChain.pending());
      assertThat(amount(j.path("onChain").path("claimable"))).isEqualTo(onChain.claimable());
      assertThat(amount(j.path("onChain").path("claimed"))).isEqualTo(onChain.claimed());
      JsonNode r = j.path("records");
      assertThat(amount(r.path("total"))).isEqualTo(all.get(a));
      assertThat(amount(r.path("batched"))).isEqualTo(batched.getOrDefault(a, Amount.ZERO));
      // the stakers' part of a final batch is paid on into the pool at once: claimed
      Amount paidOut = a.equals(StakingModule.ADDRESS) ? onChain.claimed() : onChain.claimable();
      assertThat(amount(r.path("batched"))).isEqualTo(onChain.pending().add(paidOut));
      Amount roles = Amount.ZERO;
      for (String role : List.of("owner", "stakers", "contributor", "treasury")) {
        roles = roles.add(amount(r.path("byRole").path(role)));
      }
      assertThat(roles).isEqualTo(all.get(a));
      Amount models = Amount.ZERO;
      for (JsonNode m : r.path("byModel")) {
        models = models.add(amount(m.path("amount")));
      }
      assertThat(models).isEqualTo(all.get(a));
    }
    JsonNode alice = ok("/v1/economy/earnings/" + s.alice.address().toHex()).path("records");
    assertThat(alice.path("byContribution")).isNotEmpty();
    assertThat(alice.path("byContribution").get(0).path("contribution").asLong())
        .isEqualTo(s.contributions.getFirst());

    JsonNode nobody = ok("/v1/economy/earnings/0x" + "00".repeat(19) + "77");
    assertThat(nobody.path("records").path("total").asText()).isEqualTo("0");
    assertThat(nobody.path("records").path("byModel")).isEmpty();
    assertThat(nobody.path("onChain").path("claimed").asText()).isEqualTo("0");

    assertThat(error("/v1/economy/earnings/0x1234", 400, "invalid_parameter"))
        .isEqualTo("address must be 0x and 40 hex digits, got '0x1234'");
    error("/v1/economy/earnings/" + "12".repeat(20), 400, "invalid_parameter");
  }

  // ---- contributions and models ----

  @Test
  void aContributionShowsWhatItEarned() throws Exception {
    for (long c : s.contributions) {
      JsonNode j = ok("/v1/economy/contributions/" + c);
      PayoutBook.ContributionEarnings e = book.contribution(c).orElseThrow();
      assertThat(j.path("contribution").path("id").asLong()).isEqualTo(c);
      assertThat(j.path("contribution").path("status").asText()).isEqualTo("accepted");
      assertThat(j.path("contribution").path("contributor").asText())
          .isEqualTo(e.contributor().toHex());
      assertThat(amount(j.path("earned"))).isEqualTo(e.earned());
      assertThat(amount(j.path("toTreasury"))).isEqualTo(e.toTreasury());
      assertThat(j.path("inferences").asLong()).isEqualTo(e.inferences());
      assertThat(j.path("ppmTotal").asLong()).isEqualTo(e.ppmTotal());
      assertThat(amount(j.path("bond"))).isEqualTo(Genesis.devnet().economy().contributionBond());
      assertThat(j.path("penalized").asBoolean()).isFalse();
      assertThat(j.path("penaltyScore").asInt()).isZero();
      assertThat(j.path("earns").asBoolean()).isTrue();
    }
    assertThat(error("/v1/economy/contributions/999", 404, "contribution_not_found"))
        .isEqualTo("no contribution 999");
    assertThat(error("/v1/economy/contributions/abc", 400, "invalid_parameter"))
        .isEqualTo("id must be a decimal number, got 'abc'");
    error("/v1/economy/contributions/-1", 400, "invalid_parameter");
    assertThat(error("/v1/economy/contributions/99999999999999999999", 400, "invalid_parameter"))
        .isEqualTo("id must be a decimal number, got '99999999999999999999'");
    assertThat(error("/v1/economy/contributions/9999999999999999999", 400, "invalid_parameter"))
        .isEqualTo("id must be below 2^63, got 9999999999999999999");
  }

  @Test
  void aModelShowsItsInferencesFeesAndPayouts() throws Exception {
    JsonNode j = ok("/v1/economy/models/" + s.model1);
    PayoutBook.ModelUsage u = book.model(s.model1).orElseThrow();
    assertThat(j.path("model").path("name").asText()).isEqualTo("quoter");
    assertThat(j.path("model").path("operator").asText()).isEqualTo(s.operator.address().toHex());
    assertThat(j.path("model").path("pricePerKIn").asText()).isEqualTo("5"); // the new prices
    assertThat(j.path("model").path("datanets")).hasSize(2);
    assertThat(j.path("inferences").asLong()).isEqualTo(u.inferences());
    assertThat(j.path("promptTokens").bigIntegerValue()).isEqualTo(u.promptTokens());
    Amount fees = Amount.ZERO;
    for (StoredRecord r : s.records) {
      if (r.record().modelId() == s.model1) {
        fees = fees.add(r.record().fee());
      }
    }
    assertThat(amount(j.path("fees"))).isEqualTo(fees);
    Amount payouts = Amount.ZERO;
    for (String role : List.of("owner", "stakers", "contributors", "treasury")) {
      payouts = payouts.add(amount(j.path("payouts").path(role)));
    }
    assertThat(payouts).isEqualTo(fees);

    JsonNode idle = ok("/v1/economy/models/" + s.idleModel);
    assertThat(idle.path("inferences").asLong()).isZero();
    assertThat(idle.path("fees").asText()).isEqualTo("0");
    assertThat(error("/v1/economy/models/77", 404, "model_not_found")).isEqualTo("no model 77");
    error("/v1/economy/models/1.5", 400, "invalid_parameter");
  }

  // ---- graph and leaderboards ----

  @Test
  void theGraphLinksModelVersionsContributionsAndInferences() throws Exception {
    JsonNode g = ok("/v1/economy/graph?model=" + s.model1 + "&limit=5");
    assertThat(g.path("shown").asInt()).isEqualTo(5);
    assertThat(g.path("inferences").asLong())
        .isEqualTo(book.model(s.model1).orElseThrow().inferences());
    Map<String, JsonNode> nodes = new HashMap<>();
    g.path("nodes").forEach(n -> nodes.put(n.path("id").asText(), n));
    List<Long> latest = book.latestRecords(s.model1, 5);
    List<Long> shown = new ArrayList<>();
    g.path("nodes")
        .forEach(
            n -> {
              if (n.path("kind").asText().equals("inference")) {
                shown.add(n.path("record").asLong());
              }
            });
    assertThat(shown).isEqualTo(latest);
    assertThat(nodes)
        .containsKeys(
            "model:" + s.model1, "datanet:" + s.datanet1 + ":v1", "datanet:" + s.datanet2 + ":v1");
    for (JsonNode e : g.path("edges")) {
      assertThat(nodes).containsKeys(e.path("from").asText(), e.path("to").asText());
    }
    for (long n : latest) {
      FeeSplit gate = s.splits.get((int) n);
      String inference = "inference:" + n;
      Amount credited = Amount.ZERO;
      long ppm = 0;
      for (JsonNode e : g.path("edges")) {
        if (e.path("to").asText().equals(inference)) {
          ppm += e.path("ppm").asLong();
          if (e.path("kind").asText().equals("credited")) {
            credited = credited.add(amount(e.path("amount")));
          } else {
            assertThat(e.path("kind").asText()).isEqualTo("served");
            assertThat(amount(e.path("amount"))).isEqualTo(gate.unattributed());
          }
        }
      }
      assertThat(ppm).isEqualTo(1_000_000);
      assertThat(credited.add(gate.unattributed())).isEqualTo(gate.data());
      Amount paid = Amount.ZERO;
      for (JsonNode p : nodes.get(inference).path("payouts")) {
        paid = paid.add(amount(p.path("amount")));
      }
      assertThat(paid).isEqualTo(s.records.get((int) n).record().fee());
    }
    assertThat(error("/v1/economy/graph", 400, "invalid_parameter"))
        .isEqualTo("the query parameter model is required");
    error("/v1/economy/graph?model=77", 404, "model_not_found");
    error("/v1/economy/graph?model=1&limit=0", 400, "invalid_parameter");
    error("/v1/economy/graph?model=1&limit=1001", 400, "invalid_parameter");
    JsonNode idle = ok("/v1/economy/graph?model=" + s.idleModel);
    assertThat(idle.path("shown").asInt()).isZero();
    assertThat(idle.path("nodes")).hasSize(2); // the model and its datanet version
  }

  @Test
  void leaderboardsRankAndScope() throws Exception {
    JsonNode all = ok("/v1/economy/leaderboards");
    assertThat(all.path("model").isNull()).isTrue();
    assertThat(all.path("limit").asInt()).isEqualTo(10);
    assertThat(all.path("contributions")).hasSize(s.contributions.size());
    assertThat(all.path("models")).hasSize(2);
    assertThat(all.path("models").get(0).path("name").asText()).isIn("quoter", "cheap");
    Amount previous = null;
    for (JsonNode e : all.path("earners")) {
      Amount a = amount(e.path("amount"));
      if (previous != null) {
        assertThat(a).isLessThanOrEqualTo(previous);
      }
      previous = a;
    }
    JsonNode one = ok("/v1/economy/leaderboards?model=" + s.model2 + "&limit=1");
    assertThat(one.path("model").asLong()).isEqualTo(s.model2);
    assertThat(one.path("contributions")).hasSize(1);
    assertThat(one.path("earners")).hasSize(1);
    assertThat(one.path("models")).hasSize(1);
    error("/v1/economy/leaderboards?model=77", 404, "model_not_found");
    assertThat(error("/v1/economy/leaderboards?limit=101", 400, "invalid_parameter"))
        .isEqualTo("limit must be between 1 and 100, got 101");
  }

  @Test
  void aRecordTheGateAddsIsSeenAtOnce() throws Exception {
    Address carol = s.carol.address();
    Amount before =
        amount(ok("/v1/economy/earnings/" + carol.toHex()).path("records").path("total"));
    long poem = s.contributions.get(4);
    StoredRecord r =
        s.serve(s.model1, s.payer, 2_000, 1_000, List.of(new Attribution(poem, 1_000_000)), "late");
    assertThat(book.add(r)).isTrue();
    JsonNode receipt = ok("/v1/receipts/" + r.receiptId());
    assertThat(receipt.path("batch").isNull()).isTrue();
    Amount carolsShare =
        s.splits.get((int) r.record().number()).contributions().getFirst().amount();
    assertThat(carolsShare.isZero()).isFalse();
    JsonNode after = ok("/v1/economy/earnings/" + carol.toHex()).path("records");
    assertThat(amount(after.path("total"))).isEqualTo(before.add(carolsShare));
    assertThat(ok("/v1/records?from=" + r.record().number()).path("records")).hasSize(1);
  }
}
