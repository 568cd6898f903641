package io.openledger.node.economy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.inference.ApiKey;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.inference.Escrow;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data economy end to end on the real node (docs/economy.md): three contributors, one datanet,
 * a published version, a registered model, 50 paid inferences through the OpenAI-compatible API
 * with an API key, a batch, the challenge window, finalization and claims. Every amount is
 * recomputed here from the fee rule's formula and checked to the wei; the supply invariant and the
 * inference module's audit hold after every block.
 */
class EconomyE2ETest {
  private static final Amount PRICE_IN = Amount.of(new BigInteger("10000000000000000")); // 0.01
  private static final Amount PRICE_OUT = Amount.of(new BigInteger("50000000000000000")); // 0.05
  private static final int MAX_TOKENS = 40;
  private static final List<String> PROMPTS =
      List.of("The ledger pays", "Once upon a time", "Data is", "Who owns the answer", "Hello");

  @TempDir Path dir;

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }

  @Test
  void fiftyPaidInferencesPayEveryPartyExactlyWhatTheFeeRuleSays() throws Exception {
    try (EconomyNode node = EconomyNode.start(dir, new Batcher.Config(5, 1_000, false))) {
      KeyPair funder = EconomyNode.dev(0);
      KeyPair datanetOwner = EconomyNode.dev(2);
      KeyPair modelOwner = EconomyNode.dev(3);
      KeyPair payer = EconomyNode.dev(4);
      KeyPair finalizer = EconomyNode.dev(5);
      List<KeyPair> contributors = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        contributors.add(
            KeyPair.fromPrivateKey(
                Hash.keccak256(("economy e2e contributor " + i).getBytes()).toArray()));
        node.ok(funder, contributors.get(i).address(), new byte[0], Amount.open(5));
      }

      // A datanet, and the adapter in the blob store.
      node.ok(
          datanetOwner,
          DatanetModule.ADDRESS,
          DatanetModule.CREATE_DATANET.encodeCall(
              "answers", "texts the model answers with", List.of("demo"), u(0), u(3), "text"));
      Hash adapter = node.uploadAdapter(modelOwner, dir);
      String model = node.baseModel() + ":" + adapter.toHex();

      // Before any model registers the adapter it is served free: learn what it answers, so the
      // contributions can hold those answers and the paid answers can be traced back to them.
      List<String> answers = new ArrayList<>();
      for (String p : PROMPTS.subList(0, 3)) {
        EconomyNode.Answer a = node.post("/v1/completions", completion(model, p), Map.of());
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        assertThat(a.body().get("openledger").get("paid").asBoolean()).isFalse();
        answers.add(a.body().get("choices").get(0).get("text").asText());
      }

      // Three contributors, each contributing a text that holds one of the answers.
      for (int i = 0; i < 3; i++) {
        Path f = dir.resolve("contribution-" + i + ".txt");
        Files.writeString(f, "Notes of contributor " + i + ". " + answers.get(i) + "\nThe end.\n");
        var up =
            node.blobs().upload(f, contributors.get(i), Map.of("datanet", "1"), (ph, d, t) -> {});
        assertThat(up.response().get("near_duplicates")).isEmpty();
        node.ok(
            contributors.get(i),
            DatanetModule.ADDRESS,
            DatanetModule.CONTRIBUTE.encodeCall(
                u(1), up.hash().toArray(), u(up.size()), Hash.keccak256(new byte[] {1}).toArray()));
        node.ok(
            datanetOwner, DatanetModule.ADDRESS, DatanetModule.APPROVE.encodeCall(u(i + 1), u(90)));
      }
      JsonNode next = node.get("/v1/datanets/1/next-version").body();
      assertThat(next.get("indexed")).hasSize(3);
      node.ok(
          datanetOwner,
          DatanetModule.ADDRESS,
          DatanetModule.PUBLISH_VERSION.encodeCall(
              u(1),
              Hash.fromHex(next.get("contributionsRoot").asText()).toArray(),
              Hash.fromHex(next.get("indexHash").asText()).toArray()));
      awaitIndexReady(node);

      // The model, paid, served by this node's operator.
      node.ok(
          modelOwner,
          ModelModule.ADDRESS,
          ModelModule.REGISTER_MODEL.encodeCall(
              "tiny",
              Hash.keccak256("tiny-llama".getBytes()).toArray(),
              adapter.toArray(),
              List.of(u(1)),
              List.of(u(1)),
              PRICE_IN.value(),
              PRICE_OUT.value(),
              EconomyNode.OPERATOR.address()));

      long modelId = ModelModule.modelCount(node.state());

      // Until its operator has declared it and bonded its tier's minimum it is not served paid.
      EconomyNode.Answer unstaked = node.post("/v1/completions", completion(model, "Hi"), Map.of());
      assertThat(unstaked.status()).isEqualTo(503);
      assertThat(unstaked.raw().headers().firstValue("Retry-After")).contains("30");
      assertThat(unstaked.body().get("error").get("message").asText())
          .contains("has not declared it (serve) on the staking module");
      node.stakeAndServe(modelId);

      // Unpaid requests are refused, and the engine does not run them.
      EconomyNode.Answer refused = node.post("/v1/completions", completion(model, "Hi"), Map.of());
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.body().get("error").get("message").asText()).contains("is paid");

      // The payer: an escrow and an API key with a cap.
      Amount deposit = Amount.open(20);
      node.ok(payer, InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), deposit);
      String key = "olk_e2e_test_key";
      Hash keyHash = Hash.keccak256(key.getBytes(StandardCharsets.UTF_8));
      node.ok(
          payer,
          InferenceModule.ADDRESS,
          InferenceModule.REGISTER_API_KEY.encodeCall(keyHash.toArray(), Amount.open(15).value()));
      Map<String, String> auth = Map.of("Authorization", "Bearer " + key);

      // Fifty paid inferences.
      Map<Address, BigInteger> expectedPayouts = new TreeMap<>();
      BigInteger totalFees = BigInteger.ZERO;
      Map<Integer, Integer> creditedPpm = new HashMap<>();
      for (int n = 0; n < 50; n++) {
        String prompt = PROMPTS.get(n % PROMPTS.size());
        EconomyNode.Answer a = node.post("/v1/completions", completion(model, prompt), auth);
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        JsonNode ol = a.body().get("openledger");
        JsonNode usage = a.body().get("usage");
        long in = usage.get("prompt_tokens").asLong();
        long out = usage.get("completion_tokens").asLong();
        BigInteger fee = feeOf(in, out);
        assertThat(ol.get("fee").asText()).isEqualTo(fee.toString());
        assertThat(a.body().get("receipt_id").asText()).startsWith("0x").hasSize(66);
        checkSplit(ol, fee, modelOwner.address(), payer.address(), expectedPayouts);
        totalFees = totalFees.add(fee);
        if (n % PROMPTS.size() < 3) {
          // the answer is contribution i's text: it is credited, to its contributor
          int i = n % PROMPTS.size();
          JsonNode credit = find(ol.get("attribution"), i + 1);
          assertThat(credit).as("answer %d credits contribution %d", n, i + 1).isNotNull();
          assertThat(credit.get("contributor").asText())
              .isEqualTo(contributors.get(i).address().toHex());
          assertThat(credit.get("spans")).isNotEmpty();
          creditedPpm.merge(i, credit.get("ppm").asInt(), Math::max);
        }
      }
      assertThat(creditedPpm.values()).allMatch(ppm -> ppm > 100_000);

      // Batches carry them all; the escrow, the key and the pending earnings move exactly.
      long batches = batchEverything(node, 50);
      Escrow escrow = InferenceModule.escrowOf(node.state(), payer.address());
      assertThat(escrow.balance().value()).isEqualTo(deposit.value().subtract(totalFees));
      ApiKey k = InferenceModule.apiKey(node.state(), keyHash).orElseThrow();
      assertThat(k.spent().value()).isEqualTo(totalFees);
      BigInteger sumPayouts = BigInteger.ZERO;
      for (var e : expectedPayouts.entrySet()) {
        Earnings earned = InferenceModule.earnings(node.state(), e.getKey());
        // pending, or claimable once final (the stakers' part: claimed, into the pool)
        assertThat(earned.pending().add(earned.claimable()).add(earned.claimed()).value())
            .as("earned by %s", e.getKey())
            .isEqualTo(e.getValue());
        sumPayouts = sumPayouts.add(e.getValue());
      }
      assertThat(sumPayouts).isEqualTo(totalFees);

      // After the window anyone finalizes; then each party claims exactly its payouts.
      finalizeAll(node, finalizer, batches);
      List<KeyPair> claimers = new ArrayList<>(contributors);
      claimers.add(modelOwner);
      // the operator earns nothing itself: the stakers' part went on into its pool at finalize
      assertThat(expectedPayouts).doesNotContainKey(EconomyNode.OPERATOR.address());
      BigInteger toPool = expectedPayouts.get(StakingModule.ADDRESS);
      assertThat(toPool).isPositive();
      Earnings pool = InferenceModule.earnings(node.state(), StakingModule.ADDRESS);
      assertThat(pool.claimed().value()).isEqualTo(toPool);
      assertThat(pool.pending().add(pool.claimable()).isZero()).isTrue();
      assertThat(StakingModule.pool(node.state(), EconomyNode.OPERATOR.address()).bondedStake())
          .isEqualTo(node.operatorStake().add(Amount.of(toPool)));
      assertThat(
              StakingModule.position(
                      node.state(),
                      EconomyNode.OPERATOR.address(),
                      EconomyNode.OPERATOR.address(),
                      LockTerm.FLEXIBLE)
                  .shares())
          .isEqualTo(node.operatorStake().value()); // the reward raised the shares' value
      for (KeyPair c : claimers) {
        BigInteger owed = expectedPayouts.getOrDefault(c.address(), BigInteger.ZERO);
        assertThat(owed).as("%s earned something", c.address()).isPositive();
        Amount before = node.balance(c.address());
        EconomyNode.Mined claim =
            node.ok(c, InferenceModule.ADDRESS, InferenceModule.CLAIM.encodeCall());
        Amount after = node.balance(c.address());
        assertThat(after.value())
            .as("balance of %s after claiming", c.address())
            .isEqualTo(before.value().add(owed).subtract(claim.gasCost().value()));
        Earnings e = InferenceModule.earnings(node.state(), c.address());
        assertThat(e.claimed().value()).isEqualTo(owed);
        assertThat(e.claimable().isZero()).isTrue();
      }
      // the treasury's platform share waits, claimable
      Address treasury = node.genesis.rules().treasury();
      assertThat(InferenceModule.earnings(node.state(), treasury).claimable().value())
          .isEqualTo(expectedPayouts.get(treasury));
      assertThat(node.auditFailures).isEmpty();
    }
  }

  /**
   * Lets the batcher post until the chain has taken {@code records} records; returns how many
   * batches that took.
   */
  static long batchEverything(EconomyNode node, long records) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L; // liveness guard
    Address op = EconomyNode.OPERATOR.address();
    while (InferenceModule.nextBatch(node.state(), op).firstRecord() < records) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not batched: " + node.economy().batcher().lastError());
      }
      var tx = node.economy().batcher().flush();
      if (tx.isPresent()) {
        assertThat(node.awaitReceipt(tx.get().toHex()).success()).isTrue();
      } else {
        Thread.sleep(50);
      }
    }
    return InferenceModule.nextBatch(node.state(), op).seq();
  }

  /** Waits for each batch's window and finalizes it from another account. */
  static void finalizeAll(EconomyNode node, KeyPair finalizer, long batches) throws Exception {
    Address op = EconomyNode.OPERATOR.address();
    for (long seq = 0; seq < batches; seq++) {
      var batch = InferenceModule.batch(node.state(), op, seq).orElseThrow();
      if (batch.finalized()) {
        continue;
      }
      node.awaitChainTime(batch.finalizableAt());
      node.ok(
          finalizer,
          InferenceModule.ADDRESS,
          InferenceModule.FINALIZE_BATCH.encodeCall(op, u(seq)));
    }
  }

  /** The fee rule v1, written out: floor((in × priceIn + out × priceOut) / 1000) + 0. */
  private static BigInteger feeOf(long in, long out) {
    return PRICE_IN.value().multiply(u(in)).add(PRICE_OUT.value().multiply(u(out))).divide(u(1000));
  }

  /**
   * Checks one answer's split against the rule: 10% to the treasury, 20% to the stakers (the
   * staking module's address, for the operator's pool), each credited contribution floor(data × ppm
   * / 10^6) of the 50% data share, the rest to the owner; adds the payouts to {@code expected}.
   */
  private static void checkSplit(
      JsonNode ol,
      BigInteger fee,
      Address owner,
      Address payer,
      Map<Address, BigInteger> expected) {
    BigInteger platform = fee.multiply(u(1000)).divide(u(10_000));
    BigInteger stakers = fee.multiply(u(2000)).divide(u(10_000));
    BigInteger data = fee.multiply(u(5000)).divide(u(10_000));
    Map<Address, BigInteger> want = new HashMap<>();
    want.merge(
        Address.fromHex("0x0000000000000000000000000000000000001000"), platform, BigInteger::add);
    want.merge(StakingModule.ADDRESS, stakers, BigInteger::add);
    BigInteger attributed = BigInteger.ZERO;
    for (JsonNode c : ol.get("attribution")) {
      BigInteger share = data.multiply(u(c.get("ppm").asLong())).divide(u(1_000_000));
      assertThat(c.get("amount").asText()).isEqualTo(share.toString());
      Address to = Address.fromHex(c.get("contributor").asText());
      assertThat(to).isNotEqualTo(payer);
      if (share.signum() > 0) {
        want.merge(to, share, BigInteger::add);
      }
      attributed = attributed.add(share);
    }
    BigInteger ownerPart = fee.subtract(platform).subtract(stakers).subtract(attributed);
    want.merge(owner, ownerPart, BigInteger::add);
    want.values().removeIf(v -> v.signum() == 0);
    Map<Address, BigInteger> got = new HashMap<>();
    BigInteger sum = BigInteger.ZERO;
    for (JsonNode p : ol.get("payouts")) {
      BigInteger v = new BigInteger(p.get("amount").asText());
      got.put(Address.fromHex(p.get("account").asText()), v);
      sum = sum.add(v);
    }
    assertThat(sum).isEqualTo(fee);
    assertThat(got).isEqualTo(want);
    got.forEach((a, v) -> expected.merge(a, v, BigInteger::add));
  }

  private static JsonNode find(JsonNode attribution, long contribution) {
    for (JsonNode c : attribution) {
      if (c.get("contribution").asLong() == contribution) {
        return c;
      }
    }
    return null;
  }

  static String completion(String model, String prompt) throws Exception {
    return Json.MAPPER.writeValueAsString(
        Map.of("model", model, "prompt", prompt, "max_tokens", MAX_TOKENS, "temperature", 0));
  }

  static void awaitIndexReady(EconomyNode node) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L; // liveness guard
    while (System.nanoTime() < deadline) {
      JsonNode s = node.get("/v1/datanets/1/versions/1/index").body();
      if (s.get("status").asText().equals("ready")) {
        return;
      }
      if (s.get("status").asText().equals("failed")) {
        throw new AssertionError("index failed: " + s);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("index not ready");
  }
}
