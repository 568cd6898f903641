package io.openledger.node.economy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.attribution.dedup.NearDuplicateIndex;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.economy.ParametersInForce;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.inference.Escrow;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.NextBatch;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobClient;
import io.openledger.node.blob.BlobClientException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 7 on the real node, each its own test (docs/economy.md): a near-duplicate
 * re-upload under another address, a payer paying itself as contributor, revoked keys and empty
 * escrows, a withdrawal racing unbatched work, a replayed batch, forged or under-authorized signed
 * spends, and bad input on the API. Each asserts that the attacker gains nothing, that nothing is
 * recorded or served for a refused request, and that the supply invariant and the inference
 * module's audit held after every block.
 *
 * <p>One node serves every test; each test uses its own accounts (and, where it needs one, its own
 * datanet, adapter and model), and starts and ends with every record batched. The batcher posts
 * only when a test flushes it, so a test decides what is still unbatched.
 */
class EconomyAttacksE2ETest {
  private static final Amount PRICE_IN = Amount.of(new BigInteger("10000000000000000")); // 0.01
  private static final Amount PRICE_OUT = Amount.of(new BigInteger("50000000000000000")); // 0.05
  private static final int MAX_TOKENS = 40;

  /**
   * Seconds between requesting a withdrawal and paying it, and of a revoked key's grace. Block
   * timestamps rise by at least a second a block, so the chain's clock runs ahead of the wall's
   * while blocks come faster: the tests wait on the chain's clock ({@link #advanceChainPast}).
   */
  private static final long WITHDRAWAL_DELAY = 30;

  private static final EconomyParameters PARAMETERS =
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
          2,
          WITHDRAWAL_DELAY,
          WITHDRAWAL_DELAY);

  private static final FeeRuleV1 FEE_RULE = PARAMETERS.inference().feeRule();

  /** Never due by blocks: a batch goes on chain only when a test flushes. */
  private static final Batcher.Config MANUAL = new Batcher.Config(1_000_000, 1_000, false);

  private static final KeyPair FUNDER = EconomyNode.dev(0);
  private static final KeyPair DATANET_OWNER = EconomyNode.dev(2);
  private static final KeyPair MODEL_OWNER = EconomyNode.dev(3);
  private static final KeyPair FINALIZER = EconomyNode.dev(5);
  private static final KeyPair OTHER_OPERATOR = EconomyNode.dev(8);
  private static final Address TREASURY =
      Address.fromHex("0x0000000000000000000000000000000000001000");

  @TempDir static Path dir;
  private static EconomyNode node;

  /** A paid model of this node's operator on one published datanet version, for most tests. */
  private static Market base;

  /**
   * A paid model on its own datanet: each contribution holds the greedy answer of its adapter to
   * one prompt, so a paid answer to {@code prompts[i]} quotes {@code contributions[i]}.
   */
  private record Market(
      long datanet,
      int version,
      long modelId,
      Hash adapter,
      String model,
      List<KeyPair> contributors,
      List<Long> contributions,
      List<String> prompts,
      List<String> texts) {}

  /** An application: an escrow and an API key. */
  private record Payer(KeyPair key, String apiKey, Hash keyHash) {
    Address address() {
      return key.address();
    }

    Map<String, String> auth() {
      return Map.of("Authorization", "Bearer " + apiKey);
    }
  }

  /** How much the node has served: records written, generations the engine finished. */
  private record Served(long records, long generations) {}

  @BeforeAll
  static void startNode() throws Exception {
    node = EconomyNode.start(dir, MANUAL, PARAMETERS);
    base =
        market("base", 31, List.of(account("base contributor")), List.of("The ledger pays"), true);
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void startSettled() throws Exception {
    settle();
  }

  @AfterEach
  void auditHeldAfterEveryBlock() {
    assertThat(node.auditFailures).as("supply invariant and inference audit").isEmpty();
  }

  // ---- the attacks ----

  @Test
  void nearDuplicateReuploadUnderAnotherAddressEarnsNothing() throws Exception {
    KeyPair carol = account("carol");
    KeyPair mallory = account("mallory");
    Market m = market("near-duplicate", 41, List.of(carol), List.of("Once upon a time"), false);
    long carolsContribution = m.contributions().getFirst();

    // Mallory uploads a slightly edited copy of Carol's accepted text: the upload flags it.
    String original = m.texts().getFirst();
    String copy = original.replace("The end.", "The end, really!");
    assertThat(copy).isNotEqualTo(original);
    assertThat(NearDuplicateIndex.similarity(original, copy)).isGreaterThan(0.7);
    Amount malloryBefore = node.balance(mallory.address());
    BlobClient.Uploaded up =
        node.blobs()
            .upload(
                write("mallory-copy.txt", copy.getBytes(StandardCharsets.UTF_8)),
                mallory,
                Map.of("datanet", Long.toString(m.datanet())),
                BlobClient.Progress.NONE);
    JsonNode near = up.response().get("near_duplicates");
    assertThat(near).hasSize(1);
    assertThat(near.get(0).get("contribution").asLong()).isEqualTo(carolsContribution);
    assertThat(near.get(0).get("contributor").asText()).isEqualTo(carol.address().toHex());
    assertThat(up.response().get("warning").asText()).contains("earns nothing");

    // Mallory contributes it anyway, the owner accepts it and publishes version 2.
    long mallorys = contribute(mallory, m.datanet(), up);
    approve(mallorys);
    JsonNode next = node.get("/v1/datanets/" + m.datanet() + "/next-version").body();
    assertThat(ids(next.get("indexed"))).as("indexed in version 2").isEmpty();
    assertThat(excluded(next)).containsKey(mallorys);
    int v2 = publish(m.datanet());
    assertThat(v2).isEqualTo(2);
    JsonNode index = awaitIndex(m.datanet(), v2);
    assertThat(excluded(index)).containsKey(mallorys);
    assertThat(excluded(index).get(mallorys)).contains(Long.toString(carolsContribution));

    // A model on version 2 (the same adapter, so requests name it): its paid answers quote the
    // text, and only Carol's contribution is credited.
    long model2 = registerModel(m.adapter(), m.datanet(), v2, EconomyNode.OPERATOR);
    Payer payer = payer("near-duplicate payer", Amount.open(1), Amount.open(1));
    Map<String, String> headers = new HashMap<>(payer.auth());
    headers.put(PaidInferenceGate.MODEL_HEADER, Long.toString(model2));
    BigInteger carolEarned = BigInteger.ZERO;
    for (int i = 0; i < 4; i++) {
      JsonNode ol = paid(m.model(), m.prompts().getFirst(), headers);
      assertThat(ol.get("model").asLong()).isEqualTo(model2);
      JsonNode credit = find(ol.get("attribution"), carolsContribution);
      assertThat(credit).as("the answer credits Carol's contribution").isNotNull();
      assertThat(credit.get("contributor").asText()).isEqualTo(carol.address().toHex());
      assertThat(credit.get("ppm").asLong()).isPositive();
      assertThat(credit.get("spans")).isNotEmpty();
      assertThat(find(ol.get("attribution"), mallorys)).isNull();
      for (JsonNode a : ol.get("attribution")) {
        assertThat(a.get("contributor").asText()).isNotEqualTo(mallory.address().toHex());
      }
      assertThat(accounts(ol.get("payouts"))).doesNotContain(mallory.address());
      carolEarned = carolEarned.add(new BigInteger(credit.get("amount").asText()));
    }
    assertThat(carolEarned).isPositive();

    // Batched: Carol earned her shares; Mallory earned nothing and paid gas.
    settle();
    assertThat(earned(carol.address())).isEqualTo(carolEarned);
    Earnings e = InferenceModule.earnings(node.state(), mallory.address());
    assertThat(e.pending().isZero() && e.claimable().isZero() && e.claimed().isZero())
        .as("Mallory's earnings %s", e)
        .isTrue();
    assertThat(node.balance(mallory.address()).lessThan(malloryBefore)).isTrue();
  }

  @Test
  void payerQuotingItsOwnContributionEarnsNothingFromItsPayments() throws Exception {
    KeyPair dave = account("dave");
    KeyPair erin = account("erin");
    Market m =
        market(
            "self-pay", 51, List.of(dave, erin), List.of("Who owns the answer", "Data is"), true);
    long davesContribution = m.contributions().get(0);
    long erinsContribution = m.contributions().get(1);
    Amount start = node.balance(dave.address());
    BigInteger treasuryBefore = earned(TREASURY);

    // Dave pays for answers that quote his own text (and Erin's), from his own escrow and key.
    Amount deposit = Amount.open(1);
    Amount gas =
        node.ok(dave, InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), deposit)
            .gasCost();
    String key = "olk_attacks_dave";
    Hash keyHash = Hash.keccak256(key.getBytes(StandardCharsets.UTF_8));
    gas =
        gas.add(
            node.ok(
                    dave,
                    InferenceModule.ADDRESS,
                    InferenceModule.REGISTER_API_KEY.encodeCall(
                        keyHash.toArray(), Amount.open(1).value()))
                .gasCost());
    Map<String, String> auth = Map.of("Authorization", "Bearer " + key);
    BigInteger fees = BigInteger.ZERO;
    BigInteger toTreasury = BigInteger.ZERO;
    BigInteger davesShares = BigInteger.ZERO;
    BigInteger erinEarned = BigInteger.ZERO;
    for (int i = 0; i < 6; i++) {
      JsonNode ol = paid(m.model(), m.prompts().get(i % 2), auth);
      BigInteger fee = new BigInteger(ol.get("fee").asText());
      fees = fees.add(fee);
      assertThat(ol.get("payer").asText()).isEqualTo(dave.address().toHex());
      assertThat(accounts(ol.get("payouts"))).doesNotContain(dave.address());
      JsonNode own = find(ol.get("attribution"), davesContribution);
      if (i % 2 == 0) {
        assertThat(own).as("answer %d quotes Dave's text", i).isNotNull();
        assertThat(new BigInteger(own.get("amount").asText())).isPositive();
      }
      if (own != null) {
        // the share of the payer's own contribution is paid to the treasury
        assertThat(own.get("paidTo").asText()).isEqualTo(TREASURY.toHex());
        davesShares = davesShares.add(new BigInteger(own.get("amount").asText()));
      }
      JsonNode erins = find(ol.get("attribution"), erinsContribution);
      if (erins != null) {
        assertThat(erins.get("paidTo").asText()).isEqualTo(erin.address().toHex());
        erinEarned = erinEarned.add(new BigInteger(erins.get("amount").asText()));
      }
      BigInteger platform =
          fee.multiply(BigInteger.valueOf(1_000)).divide(BigInteger.valueOf(10_000));
      BigInteger treasuryPayout = payoutTo(ol.get("payouts"), TREASURY);
      assertThat(treasuryPayout)
          .isEqualTo(
              platform.add(
                  own == null ? BigInteger.ZERO : new BigInteger(own.get("amount").asText())));
      toTreasury = toTreasury.add(treasuryPayout);
    }
    assertThat(davesShares).isPositive();
    assertThat(erinEarned).isPositive();

    // Batched: Dave's escrow paid every fee; he earned nothing; the treasury got
    // his contribution's shares besides the platform's.
    settle();
    Earnings e = InferenceModule.earnings(node.state(), dave.address());
    assertThat(e.pending().isZero() && e.claimable().isZero() && e.claimed().isZero())
        .as("Dave's earnings %s", e)
        .isTrue();
    assertThat(earned(erin.address())).isEqualTo(erinEarned);
    assertThat(earned(TREASURY).subtract(treasuryBefore)).isEqualTo(toTreasury);
    Escrow escrow = InferenceModule.escrowOf(node.state(), dave.address());
    assertThat(escrow.balance().value()).isEqualTo(deposit.value().subtract(fees));
    BigInteger end = node.balance(dave.address()).value().add(escrow.balance().value());
    assertThat(end).isEqualTo(start.value().subtract(gas.value()).subtract(fees));
    assertThat(end).isLessThan(start.value());
  }

  @Test
  void revokedKeyEmptyEscrowAndExhaustedCapAreRefusedUnserved() throws Exception {
    String prompt = base.prompts().getFirst();
    Payer revoked = payer("revoked", Amount.open(1), Amount.open(1));
    JsonNode first = paid(base.model(), prompt, revoked.auth());
    Amount fee = Amount.of(new BigInteger(first.get("fee").asText()));
    Amount maxFee =
        FEE_RULE.fee(first.get("promptTokens").asLong(), MAX_TOKENS, PRICE_IN, PRICE_OUT);
    assertThat(maxFee.lessThan(fee)).isFalse();

    // A revoked key: 401, nothing served or recorded; what it was served before is charged
    // (within the grace).
    node.ok(
        revoked.key(),
        InferenceModule.ADDRESS,
        InferenceModule.REVOKE_API_KEY.encodeCall(revoked.keyHash().toArray()));
    EconomyNode.Answer a = refused(base.model(), prompt, revoked.auth(), 401, "invalid_api_key");
    assertThat(message(a)).contains("revoked");
    assertThat(a.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer");
    settle();
    assertThat(InferenceModule.escrowOf(node.state(), revoked.address()).balance())
        .isEqualTo(Amount.open(1).subtract(fee));
    refused(base.model(), prompt, revoked.auth(), 401, "invalid_api_key");

    // A key whose payer has deposited nothing: 402 with the amounts.
    Payer empty = payer("empty escrow", Amount.ZERO, Amount.open(1));
    a = refused(base.model(), prompt, empty.auth(), 402, "payment_required");
    assertThat(message(a))
        .contains(empty.address().toHex())
        .contains("0 OPEN available")
        .contains("up to " + maxFee.toOpenString() + " OPEN");

    // An escrow one base unit short of the most this request can cost: 402.
    Amount shortDeposit = maxFee.subtract(Amount.of(1));
    Payer poor = payer("short escrow", shortDeposit, Amount.open(1));
    a = refused(base.model(), prompt, poor.auth(), 402, "payment_required");
    assertThat(message(a))
        .contains(shortDeposit.toOpenString() + " OPEN available")
        .contains("up to " + maxFee.toOpenString() + " OPEN");

    // A cap that pays one answer and not a second, before and after it is batched.
    Amount cap = fee.add(maxFee).subtract(Amount.of(1));
    Payer capped = payer("small cap", Amount.open(1), cap);
    assertThat(paid(base.model(), prompt, capped.auth()).get("fee").asText())
        .isEqualTo(fee.value().toString());
    a = refused(base.model(), prompt, capped.auth(), 402, "payment_required");
    assertThat(message(a))
        .contains("cap")
        .contains(cap.toOpenString() + " OPEN left under the cap")
        .contains(fee.toOpenString() + " OPEN owed");
    settle();
    a = refused(base.model(), prompt, capped.auth(), 402, "payment_required");
    assertThat(message(a)).contains(cap.subtract(fee).toOpenString() + " OPEN left under the cap");

    // Only what was served was charged.
    var state = node.state();
    assertThat(InferenceModule.apiKey(state, capped.keyHash()).orElseThrow().spent())
        .isEqualTo(fee);
    assertThat(InferenceModule.escrowOf(state, capped.address()).balance())
        .isEqualTo(Amount.open(1).subtract(fee));
    assertThat(InferenceModule.escrowOf(state, poor.address()).balance()).isEqualTo(shortDeposit);
    assertThat(InferenceModule.apiKey(state, empty.keyHash()).orElseThrow().spent().isZero())
        .isTrue();
  }

  @Test
  void payerEscapingItsChargesCannotStallTheOperatorsBatches() throws Exception {
    String prompt = base.prompts().getFirst();
    Payer cutter = payer("cap cutter", Amount.open(1), Amount.open(1));
    Payer revoker = payer("late revoker", Amount.open(1), Amount.open(1));
    Payer withdrawer = payer("early withdrawer", Amount.open(1), Amount.open(1));
    Payer honest = payer("honest", Amount.open(1), Amount.open(1));
    Amount honestFees = Amount.ZERO;
    for (int i = 0; i < 2; i++) {
      paid(base.model(), prompt, cutter.auth());
      paid(base.model(), prompt, revoker.auth());
      paid(base.model(), prompt, withdrawer.auth());
      honestFees =
          honestFees.add(
              Amount.of(
                  new BigInteger(paid(base.model(), prompt, honest.auth()).get("fee").asText())));
    }

    // Before the batch (an operator too slow for the windows): one payer cuts its key's cap to
    // one base unit (a new cap for the same key keeps what it spent), one revokes its key and the
    // grace runs out, one withdraws its whole escrow once the delay is over.
    node.ok(
        cutter.key(),
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(cutter.keyHash().toArray(), BigInteger.ONE));
    node.ok(
        revoker.key(),
        InferenceModule.ADDRESS,
        InferenceModule.REVOKE_API_KEY.encodeCall(revoker.keyHash().toArray()));
    node.ok(
        withdrawer.key(),
        InferenceModule.ADDRESS,
        InferenceModule.REQUEST_WITHDRAWAL.encodeCall(Amount.open(1).value()));
    long revokedAt =
        InferenceModule.apiKey(node.state(), revoker.keyHash()).orElseThrow().revokedAt();
    advanceChainPast(
        Math.max(
            revokedAt + WITHDRAWAL_DELAY,
            InferenceModule.escrowOf(node.state(), withdrawer.address()).withdrawableAt()));
    node.ok(withdrawer.key(), InferenceModule.ADDRESS, InferenceModule.WITHDRAW.encodeCall());

    // Every record is still batched: the honest payer's fees are charged and paid out, the
    // others' cannot be and are not (the operator loses them; nothing else is held up).
    settle();
    var state = node.state();
    assertThat(InferenceModule.escrowOf(state, honest.address()).balance())
        .isEqualTo(Amount.open(1).subtract(honestFees));
    assertThat(InferenceModule.escrowOf(state, cutter.address()).balance())
        .isEqualTo(Amount.open(1));
    assertThat(InferenceModule.escrowOf(state, revoker.address()).balance())
        .isEqualTo(Amount.open(1));
    assertThat(InferenceModule.escrowOf(state, withdrawer.address()).balance().isZero()).isTrue();
    assertThat(lastBatch().total()).isEqualTo(honestFees);
    refused(base.model(), prompt, cutter.auth(), 402, "payment_required");

    // And the next answers are batched as usual.
    Amount more =
        Amount.of(new BigInteger(paid(base.model(), prompt, honest.auth()).get("fee").asText()));
    settle();
    assertThat(lastBatch().total()).isEqualTo(more);
  }

  @Test
  void withdrawalRacingUnbatchedWorkStillPaysTheWorkServed() throws Exception {
    String prompt = base.prompts().getFirst();
    Amount deposit = Amount.open(1);
    Payer w = payer("withdrawer", deposit, Amount.open(1));
    Amount owed = Amount.ZERO;
    for (int i = 0; i < 3; i++) {
      owed =
          owed.add(
              Amount.of(new BigInteger(paid(base.model(), prompt, w.auth()).get("fee").asText())));
    }
    Address op = EconomyNode.OPERATOR.address();
    assertThat(InferenceModule.nextBatch(node.state(), op).firstRecord())
        .as("the answers are not batched yet")
        .isLessThan(node.economy().records().nextNumber());

    // The payer asks for everything back while its answers wait to be batched.
    node.ok(
        w.key(),
        InferenceModule.ADDRESS,
        InferenceModule.REQUEST_WITHDRAWAL.encodeCall(deposit.value()));
    Escrow requested = InferenceModule.escrowOf(node.state(), w.address());
    assertThat(requested.balance()).isEqualTo(deposit);
    assertThat(requested.pendingWithdrawal()).isEqualTo(deposit);

    // New requests are refused: available = balance − pending withdrawal − owed.
    EconomyNode.Answer a = refused(base.model(), prompt, w.auth(), 402, "payment_required");
    assertThat(message(a))
        .contains("0 OPEN available")
        .contains(owed.toOpenString() + " OPEN owed");
    EconomyNode.Mined early =
        node.send(
            w.key(), InferenceModule.ADDRESS, InferenceModule.WITHDRAW.encodeCall(), Amount.ZERO);
    assertThat(early.success()).as("withdraw() before the delay").isFalse();

    // The work already served is batched and charged before the delay ends.
    settle();
    Batch last = lastBatch();
    assertThat(last.postedAt()).isLessThan(requested.withdrawableAt());
    Escrow charged = InferenceModule.escrowOf(node.state(), w.address());
    assertThat(charged.balance()).isEqualTo(deposit.subtract(owed));
    assertThat(charged.pendingWithdrawal()).isEqualTo(deposit);
    assertThat(InferenceModule.apiKey(node.state(), w.keyHash()).orElseThrow().spent())
        .isEqualTo(owed);

    // After the delay, withdraw() pays only what is left.
    advanceChainPast(requested.withdrawableAt());
    Amount before = node.balance(w.address());
    EconomyNode.Mined withdrawn =
        node.ok(w.key(), InferenceModule.ADDRESS, InferenceModule.WITHDRAW.encodeCall());
    assertThat(node.balance(w.address()))
        .isEqualTo(before.add(deposit.subtract(owed)).subtract(withdrawn.gasCost()));
    Escrow after = InferenceModule.escrowOf(node.state(), w.address());
    assertThat(after.balance().isZero() && after.pendingWithdrawal().isZero()).isTrue();
    refused(base.model(), prompt, w.auth(), 402, "payment_required");
  }

  @Test
  void batchTooBigForOneTransactionIsHalvedNotRetriedForever() throws Exception {
    Payer a = payer("big batch a", Amount.open(1), Amount.open(1));
    Payer b = payer("big batch b", Amount.open(1), Amount.open(1));
    paid(base.model(), base.prompts().getFirst(), a.auth());
    paid(base.model(), base.prompts().getFirst(), b.auth());
    NextBatch next = InferenceModule.nextBatch(node.state(), EconomyNode.OPERATOR.address());
    List<InferenceRecord> records = new ArrayList<>();
    for (byte[] r : node.economy().records().range(next.firstRecord(), next.firstRecord() + 2)) {
      records.add(StoredRecord.decode(r).record());
    }
    // A size limit the two records' batch (two charges) is over and one record's is under.
    long landsAt = node.ledger().chain().block(BlockRef.LATEST).orElseThrow().timestamp() + 1;
    int two = postBatchBytes(next, records, landsAt);
    int one = postBatchBytes(next, records.subList(0, 1), landsAt);
    assertThat(two).isGreaterThan(one);
    int limit = (one + two) / 2 + Batcher.TRANSACTION_OVERHEAD;

    try (Batcher small =
        new Batcher(
            node.ledger().chain(),
            node.ledger().state(),
            node.ledger().fees(),
            node.ledger().intake(),
            node.ledger().events(),
            EconomyNode.OPERATOR,
            node.economy().records(),
            ParametersInForce.fixed(PARAMETERS),
            TREASURY,
            MANUAL,
            limit)) {
      for (int batch = 0; batch < 2; batch++) {
        Hash tx = small.flush().orElseThrow();
        assertThat(node.awaitReceipt(tx.toHex()).success()).isTrue();
        byte[] sent =
            Bytes.fromHex(node.rpc("eth_getTransactionByHash", tx.toHex()).get("input").asText());
        assertThat(sent.length + Batcher.TRANSACTION_OVERHEAD).isLessThanOrEqualTo(limit);
        assertThat(lastBatch().recordCount()).as("batch %d", batch).isEqualTo(1);
      }
    }
    assertThat(
            InferenceModule.nextBatch(node.state(), EconomyNode.OPERATOR.address()).firstRecord())
        .isEqualTo(next.firstRecord() + 2);
  }

  private static int postBatchBytes(NextBatch next, List<InferenceRecord> records, long landsAt) {
    Batcher.Contents c =
        Batcher.contents(node.state(), records, PARAMETERS.inference(), TREASURY, landsAt);
    return InferenceModule.encodePostBatch(
            next.seq(),
            c.recordsRoot(),
            next.firstRecord(),
            records.size(),
            c.charges(),
            c.payouts())
        .length;
  }

  @Test
  void replayedBatchIsRevertedAndChangesNothing() throws Exception {
    Payer p = payer("replay", Amount.open(1), Amount.open(1));
    List<Address> paidTo = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      paidTo.addAll(
          accounts(paid(base.model(), base.prompts().getFirst(), p.auth()).get("payouts")));
    }
    Hash tx = node.economy().batcher().flush().orElseThrow();
    assertThat(node.awaitReceipt(tx.toHex()).success()).isTrue();

    // The exact calldata the batcher sent, read back from the chain.
    JsonNode sent = node.rpc("eth_getTransactionByHash", tx.toHex());
    assertThat(Address.fromHex(sent.get("to").asText())).isEqualTo(InferenceModule.ADDRESS);
    assertThat(Address.fromHex(sent.get("from").asText()))
        .isEqualTo(EconomyNode.OPERATOR.address());
    byte[] calldata = Bytes.fromHex(sent.get("input").asText());

    String before = snapshot(p, paidTo);
    for (int replay = 0; replay < 2; replay++) {
      String reason =
          node.revertReason(EconomyNode.OPERATOR, InferenceModule.ADDRESS, calldata, Amount.ZERO);
      EconomyNode.Mined m =
          node.send(EconomyNode.OPERATOR, InferenceModule.ADDRESS, calldata, Amount.ZERO);
      assertThat(m.success()).as("replay %d", replay).isFalse();
      assertThat(m.logs()).isEmpty();
      assertThat(reason).contains("already posted");
      assertThat(snapshot(p, paidTo)).isEqualTo(before);
    }
  }

  @Test
  void forgedAndUnderAuthorizedSignedSpendsAreRefusedUnrecorded() throws Exception {
    KeyPair alice = account("alice");
    KeyPair mallory = account("mallory the forger");
    Amount deposit = Amount.open(1);
    node.ok(alice, InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), deposit);
    Address op = EconomyNode.OPERATOR.address();
    long chainId = node.genesis.chainId();
    String prompt = base.prompts().getFirst();
    String body = EconomyE2ETest.completion(base.model(), prompt);
    Hash requestHash = Hash.keccak256(body.getBytes(StandardCharsets.UTF_8));

    // A valid signed spend pays, from Alice's escrow.
    Amount generous = Amount.open(1);
    JsonNode first = signedOk(body, spend(alice, op, requestHash, generous, chainId));
    assertThat(first.get("payer").asText()).isEqualTo(alice.address().toHex());
    Amount fee1 = Amount.of(new BigInteger(first.get("fee").asText()));
    Amount maxFee =
        FEE_RULE.fee(first.get("promptTokens").asLong(), MAX_TOKENS, PRICE_IN, PRICE_OUT);

    // Signed by another key: that key is the payer, and it has no escrow.
    EconomyNode.Answer a =
        signedRefused(body, spend(mallory, op, requestHash, generous, chainId), 402);
    assertThat(message(a)).contains(mallory.address().toHex()).contains("0 OPEN available");

    // Alice's signature with a raised amount, or made for another operator: it recovers some
    // other address, never Alice's.
    byte[] aliceSig = new SpendAuthorization(op, requestHash, generous).sign(alice, chainId);
    String raised =
        PaidInferenceGate.SignedSpend.format(requestHash, generous.add(Amount.open(1)), aliceSig);
    assertThat(message(signedRefused(body, raised, 402))).doesNotContain(alice.address().toHex());
    byte[] forOther =
        new SpendAuthorization(OTHER_OPERATOR.address(), requestHash, generous)
            .sign(alice, chainId);
    String misdirected = PaidInferenceGate.SignedSpend.format(requestHash, generous, forOther);
    assertThat(message(signedRefused(body, misdirected, 402)))
        .doesNotContain(alice.address().toHex());

    // A signature over another body: 401, the request hash does not match.
    String otherBody = EconomyE2ETest.completion(base.model(), prompt + " again");
    a = signedRefused(otherBody, spend(alice, op, requestHash, generous, chainId), 401);
    assertThat(message(a)).contains("signs request " + requestHash.toHex());

    // The same signature in its high-s twin (EIP-2): not a valid signature.
    a =
        signedRefused(
            body,
            PaidInferenceGate.SignedSpend.format(requestHash, generous, highS(aliceSig)),
            401);
    assertThat(message(a)).contains("not a valid signature");

    // An authorized amount one unit below what is owed plus the most this request can cost.
    Amount below = fee1.add(maxFee).subtract(Amount.of(1));
    a = signedRefused(body, spend(alice, op, requestHash, below, chainId), 402);
    assertThat(message(a)).contains("signed amount does not cover");
    JsonNode second = signedOk(body, spend(alice, op, requestHash, fee1.add(maxFee), chainId));
    Amount fee2 = Amount.of(new BigInteger(second.get("fee").asText()));

    // Batched: Alice paid exactly her two answers, never beyond what she signed.
    settle();
    var state = node.state();
    assertThat(InferenceModule.charged(state, alice.address(), op)).isEqualTo(fee1.add(fee2));
    assertThat(InferenceModule.escrowOf(state, alice.address()).balance())
        .isEqualTo(deposit.subtract(fee1).subtract(fee2));
    assertThat(InferenceModule.charged(state, mallory.address(), op).isZero()).isTrue();
  }

  @Test
  void badInputOnTheApiIsRefusedWithAClearErrorAndChangesNothing() throws Exception {
    Payer p = payer("bad input", Amount.open(1), Amount.open(1));
    String prompt = base.prompts().getFirst();
    String body = EconomyE2ETest.completion(base.model(), prompt);
    Hash requestHash = Hash.keccak256(body.getBytes(StandardCharsets.UTF_8));

    // Malformed X-OpenLedger-Spend headers.
    String sig = Bytes.toHex(new byte[65]);
    Map<String, String> malformed =
        Map.of(
            "nonsense",
            "expected '<requestHash>,<authorized base units>,<signature>'",
            "0x1234,5," + sig,
            "request hash",
            requestHash.toHex() + ",1e18," + sig,
            "authorized must be a decimal",
            requestHash.toHex() + ",-5," + sig,
            "authorized must be a decimal",
            requestHash.toHex() + ",5,0xzz",
            "signature",
            requestHash.toHex() + ",5,0x" + "00".repeat(64),
            "signature must be 65 bytes");
    for (var e : malformed.entrySet()) {
      EconomyNode.Answer a = signedRefused(body, e.getKey(), 401);
      assertThat(message(a))
          .as(e.getKey())
          .contains(PaidInferenceGate.SPEND_HEADER)
          .contains(e.getValue());
    }

    // A model header naming no model of this adapter.
    for (String unknown : List.of("999", "model one")) {
      Map<String, String> h = new HashMap<>(p.auth());
      h.put(PaidInferenceGate.MODEL_HEADER, unknown);
      EconomyNode.Answer a = refused(base.model(), prompt, h, 400, "unknown_model");
      assertThat(message(a)).contains("'" + unknown + "'").contains(Long.toString(base.modelId()));
    }

    // An adapter two models of this operator share: 400 unless the request names one.
    Hash shared = node.uploadAdapter(MODEL_OWNER, dir, 61);
    long one = registerModel(shared, base.datanet(), base.version(), EconomyNode.OPERATOR);
    long two = registerModel(shared, base.datanet(), base.version(), EconomyNode.OPERATOR);
    String sharedModel = node.baseModel() + ":" + shared.toHex();
    EconomyNode.Answer a = refused(sharedModel, prompt, p.auth(), 400, "ambiguous_model");
    assertThat(message(a))
        .contains("[" + one + ", " + two + "]")
        .contains(PaidInferenceGate.MODEL_HEADER);

    // An adapter only another operator's model registered: 404, not served for free.
    Hash foreign = node.uploadAdapter(MODEL_OWNER, dir, 62);
    registerModel(foreign, base.datanet(), base.version(), OTHER_OPERATOR);
    a =
        refused(
            node.baseModel() + ":" + foreign.toHex(), prompt, p.auth(), 404, "model_not_served");
    assertThat(message(a)).contains(foreign.toHex()).contains("other operators");
    a =
        refused(
            node.baseModel() + ":" + foreign.toHex(), prompt, Map.of(), 404, "model_not_served");

    // Uploads: a malformed or unknown datanet id, and bytes that are not UTF-8 for a text
    // datanet, are refused and not stored.
    Path text =
        write(
            "upload.txt",
            "a fine text for no datanet in particular".getBytes(StandardCharsets.UTF_8));
    for (String id : List.of("abc", "-1", "0", "1.5", "")) {
      BlobClientException e = uploadRefused(text, id);
      assertThat(e.status()).as("datanet=%s", id).isEqualTo(400);
      assertThat(e.code()).isEqualTo("invalid_parameter");
      assertThat(e.getMessage()).contains("datanet");
    }
    BlobClientException unknown = uploadRefused(text, "999");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("unknown_datanet");
    Path binary = write("upload.bin", new byte[] {'o', 'k', (byte) 0xc3, (byte) 0x28, (byte) 0xff});
    BlobClientException notText = uploadRefused(binary, Long.toString(base.datanet()));
    assertThat(notText.status()).isEqualTo(400);
    assertThat(notText.code()).isEqualTo("not_text");
    assertThat(notText.getMessage()).contains("UTF-8");

    // With the header, the shared adapter's models are paid, each as itself.
    for (long id : List.of(one, two)) {
      Map<String, String> h = new HashMap<>(p.auth());
      h.put(PaidInferenceGate.MODEL_HEADER, Long.toString(id));
      assertThat(paid(sharedModel, prompt, h).get("model").asLong()).isEqualTo(id);
    }
  }

  // ---- requests ----

  /** A paid answer (200): its {@code openledger} object. */
  private static JsonNode paid(String model, String prompt, Map<String, String> headers)
      throws Exception {
    EconomyNode.Answer a =
        node.post("/v1/completions", EconomyE2ETest.completion(model, prompt), headers);
    assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    JsonNode ol = a.body().get("openledger");
    assertThat(ol.get("paid").asBoolean()).isTrue();
    return ol;
  }

  /** A refused request: the status and code, and the engine ran nothing, no record written. */
  private static EconomyNode.Answer refused(
      String model, String prompt, Map<String, String> headers, int status, String code)
      throws Exception {
    return unserved(
        () -> node.post("/v1/completions", EconomyE2ETest.completion(model, prompt), headers),
        status,
        code);
  }

  private static JsonNode signedOk(String body, String spend) throws Exception {
    EconomyNode.Answer a =
        node.post("/v1/completions", body, Map.of(PaidInferenceGate.SPEND_HEADER, spend));
    assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    return a.body().get("openledger");
  }

  private static EconomyNode.Answer signedRefused(String body, String spend, int status)
      throws Exception {
    return unserved(
        () -> node.post("/v1/completions", body, Map.of(PaidInferenceGate.SPEND_HEADER, spend)),
        status,
        status == 401 ? "invalid_api_key" : "payment_required");
  }

  private interface Exchange {
    EconomyNode.Answer send() throws Exception;
  }

  private static EconomyNode.Answer unserved(Exchange exchange, int status, String code)
      throws Exception {
    Served before = served();
    EconomyNode.Answer a = exchange.send();
    assertThat(a.status()).as(a.body().toString()).isEqualTo(status);
    assertThat(a.body().get("error").get("code").asText()).isEqualTo(code);
    assertThat(served()).as("nothing served or recorded").isEqualTo(before);
    return a;
  }

  private static Served served() {
    return new Served(
        node.economy().records().nextNumber(),
        node.economy().engine().metrics().requestsCompleted());
  }

  private static String message(EconomyNode.Answer a) {
    return a.body().get("error").get("message").asText();
  }

  private static String spend(
      KeyPair signer, Address operator, Hash requestHash, Amount authorized, long chainId) {
    byte[] sig = new SpendAuthorization(operator, requestHash, authorized).sign(signer, chainId);
    return PaidInferenceGate.SignedSpend.format(requestHash, authorized, sig);
  }

  /** The other signature of the same key over the same digest: s → n − s, v flipped. */
  private static byte[] highS(byte[] sig) {
    BigInteger n =
        new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
    byte[] high = n.subtract(s).toByteArray();
    byte[] out = sig.clone();
    java.util.Arrays.fill(out, 32, 64, (byte) 0);
    int len = Math.min(32, high.length);
    System.arraycopy(high, high.length - len, out, 64 - len, len);
    out[64] = (byte) (sig[64] == 27 ? 28 : 27);
    return out;
  }

  private static BlobClientException uploadRefused(Path file, String datanet) throws Exception {
    BlobClientException e =
        catchThrowableOfType(
            BlobClientException.class,
            () ->
                node.blobs()
                    .upload(file, FUNDER, Map.of("datanet", datanet), BlobClient.Progress.NONE));
    assertThat(e).as("upload with datanet=%s refused", datanet).isNotNull();
    Hash hash = Hash.keccak256(Files.readAllBytes(file));
    assertThat(node.blobs().meta(hash)).as("a refused upload is not stored").isEmpty();
    return e;
  }

  // ---- the chain ----

  /** Batches every record written so far; returns the number of batches of the operator. */
  private static long settle() throws Exception {
    return EconomyE2ETest.batchEverything(node, node.economy().records().nextNumber());
  }

  /**
   * Sends empty transfers until the head's timestamp is past {@code timestamp} (each block's is at
   * least its parent's plus one).
   */
  private static void advanceChainPast(long timestamp) throws Exception {
    while (node.ledger().chain().block(BlockRef.LATEST).orElseThrow().timestamp() <= timestamp) {
      node.ok(FINALIZER, FINALIZER.address(), new byte[0], Amount.ZERO);
    }
  }

  private static Batch lastBatch() {
    NextBatch next = InferenceModule.nextBatch(node.state(), EconomyNode.OPERATOR.address());
    return InferenceModule.batch(node.state(), EconomyNode.OPERATOR.address(), next.seq() - 1)
        .orElseThrow();
  }

  /** Pending plus claimable plus claimed. */
  private static BigInteger earned(Address a) {
    Earnings e = InferenceModule.earnings(node.state(), a);
    return e.pending().add(e.claimable()).add(e.claimed()).value();
  }

  /** What a replayed batch could touch, as one comparable string. */
  private static String snapshot(Payer p, List<Address> paidTo) {
    var state = node.state();
    Address op = EconomyNode.OPERATOR.address();
    NextBatch next = InferenceModule.nextBatch(state, op);
    StringBuilder b = new StringBuilder();
    b.append(next).append('\n');
    for (long seq = 0; seq < next.seq(); seq++) {
      b.append(InferenceModule.batch(state, op, seq).orElseThrow()).append('\n');
    }
    b.append(InferenceModule.escrowOf(state, p.address())).append('\n');
    b.append(InferenceModule.apiKey(state, p.keyHash()).orElseThrow()).append('\n');
    b.append(InferenceModule.totals(state)).append('\n');
    b.append(state.balance(InferenceModule.ADDRESS)).append('\n');
    for (Address a : paidTo) {
      b.append(a).append(' ').append(InferenceModule.earnings(state, a)).append('\n');
    }
    return b.toString();
  }

  /** A fresh account with 5 OPEN for gas, its key derived from {@code name}. */
  private static KeyPair account(String name) throws Exception {
    KeyPair k =
        KeyPair.fromPrivateKey(
            Hash.keccak256(("economy attacks " + name).getBytes(StandardCharsets.UTF_8)).toArray());
    node.ok(FUNDER, k.address(), new byte[0], Amount.open(5));
    return k;
  }

  /** A fresh application with {@code deposit} in escrow (none when zero) and an API key. */
  private static Payer payer(String name, Amount deposit, Amount cap) throws Exception {
    KeyPair k = account(name);
    if (!deposit.isZero()) {
      node.ok(k, InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), deposit);
    }
    String key = "olk_attacks_" + name.replace(' ', '_');
    Hash keyHash = Hash.keccak256(key.getBytes(StandardCharsets.UTF_8));
    node.ok(
        k,
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(keyHash.toArray(), cap.value()));
    return new Payer(k, key, keyHash);
  }

  /**
   * A datanet whose contribution {@code i} (by {@code contributors[i]}) holds the greedy answer of
   * a fresh adapter to {@code prompts[i]}, its first version published and indexed, and (when
   * {@code register}) a paid model of this node's operator on it with that adapter.
   */
  private static Market market(
      String name,
      long adapterSeed,
      List<KeyPair> contributors,
      List<String> prompts,
      boolean register)
      throws Exception {
    Hash adapter = node.uploadAdapter(MODEL_OWNER, dir, adapterSeed);
    String model = node.baseModel() + ":" + adapter.toHex();
    List<String> answers = new ArrayList<>();
    for (String p : prompts) {
      EconomyNode.Answer a =
          node.post("/v1/completions", EconomyE2ETest.completion(model, p), Map.of());
      assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
      assertThat(a.body().get("openledger").get("paid").asBoolean()).isFalse();
      answers.add(a.body().get("choices").get(0).get("text").asText());
    }
    assertThat(answers).doesNotHaveDuplicates();
    node.ok(
        DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.CREATE_DATANET.encodeCall(
            name, "texts the model answers with", List.of("attacks"), u(0), u(3), "text"));
    long datanet = DatanetModule.datanetCount(node.state());
    List<Long> contributions = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      String text =
          "Notes of " + name + " contributor " + i + ". " + answers.get(i) + "\nThe end.\n";
      BlobClient.Uploaded up =
          node.blobs()
              .upload(
                  write(name + "-" + i + ".txt", text.getBytes(StandardCharsets.UTF_8)),
                  contributors.get(i),
                  Map.of("datanet", Long.toString(datanet)),
                  BlobClient.Progress.NONE);
      assertThat(up.response().get("near_duplicates")).isEmpty();
      long id = contribute(contributors.get(i), datanet, up);
      approve(id);
      contributions.add(id);
      texts.add(text);
    }
    int version = publish(datanet);
    awaitIndex(datanet, version);
    long modelId = register ? registerModel(adapter, datanet, version, EconomyNode.OPERATOR) : 0;
    return new Market(
        datanet, version, modelId, adapter, model, contributors, contributions, prompts, texts);
  }

  private static long contribute(KeyPair contributor, long datanet, BlobClient.Uploaded up)
      throws Exception {
    node.ok(
        contributor,
        DatanetModule.ADDRESS,
        DatanetModule.CONTRIBUTE.encodeCall(
            u(datanet),
            up.hash().toArray(),
            u(up.size()),
            Hash.keccak256(new byte[] {1}).toArray()));
    long id = DatanetModule.contributionByHash(node.state(), datanet, up.hash());
    assertThat(id).isPositive();
    return id;
  }

  private static void approve(long contribution) throws Exception {
    node.ok(
        DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.APPROVE.encodeCall(u(contribution), u(90)));
  }

  /** Publishes what next-version says; returns the version. */
  private static int publish(long datanet) throws Exception {
    JsonNode next = node.get("/v1/datanets/" + datanet + "/next-version").body();
    node.ok(
        DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.PUBLISH_VERSION.encodeCall(
            u(datanet),
            Hash.fromHex(next.get("contributionsRoot").asText()).toArray(),
            Hash.fromHex(next.get("indexHash").asText()).toArray()));
    return next.get("version").asInt();
  }

  private static JsonNode awaitIndex(long datanet, int version) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L; // liveness guard
    while (System.nanoTime() < deadline) {
      JsonNode s = node.get("/v1/datanets/" + datanet + "/versions/" + version + "/index").body();
      switch (s.get("status").asText()) {
        case "ready" -> {
          return s;
        }
        case "failed" -> throw new AssertionError("index failed: " + s);
        default -> Thread.sleep(50);
      }
    }
    throw new AssertionError("index of datanet " + datanet + " v" + version + " not ready");
  }

  private static long registerModel(Hash adapter, long datanet, int version, KeyPair operator)
      throws Exception {
    node.ok(
        MODEL_OWNER,
        ModelModule.ADDRESS,
        ModelModule.REGISTER_MODEL.encodeCall(
            "attacks",
            Hash.keccak256("tiny-llama".getBytes(StandardCharsets.UTF_8)).toArray(),
            adapter.toArray(),
            List.of(u(datanet)),
            List.of(u(version)),
            PRICE_IN.value(),
            PRICE_OUT.value(),
            operator.address()));
    long id = ModelModule.modelCount(node.state());
    if (operator.address().equals(EconomyNode.OPERATOR.address())) {
      node.stakeAndServe(id); // the chain takes this operator's paid batches only then
    }
    return id;
  }

  // ---- JSON ----

  private static JsonNode find(JsonNode attribution, long contribution) {
    for (JsonNode c : attribution) {
      if (c.get("contribution").asLong() == contribution) {
        return c;
      }
    }
    return null;
  }

  private static List<Address> accounts(JsonNode payouts) {
    List<Address> out = new ArrayList<>();
    payouts.forEach(p -> out.add(Address.fromHex(p.get("account").asText())));
    return out;
  }

  private static BigInteger payoutTo(JsonNode payouts, Address account) {
    for (JsonNode p : payouts) {
      if (Address.fromHex(p.get("account").asText()).equals(account)) {
        return new BigInteger(p.get("amount").asText());
      }
    }
    return BigInteger.ZERO;
  }

  private static List<Long> ids(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asLong()));
    return out;
  }

  /** {@code excluded: [{contribution, reason}]} as a map. */
  private static Map<Long, String> excluded(JsonNode o) {
    Map<Long, String> out = new HashMap<>();
    o.get("excluded")
        .forEach(x -> out.put(x.get("contribution").asLong(), x.get("reason").asText()));
    return out;
  }

  private static Path write(String name, byte[] bytes) throws Exception {
    Path f = dir.resolve("files").resolve(name);
    Files.createDirectories(f.getParent());
    return Files.write(f, bytes);
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }
}
