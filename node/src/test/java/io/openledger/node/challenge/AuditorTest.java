package io.openledger.node.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.challenge.Challenge;
import io.openledger.chain.challenge.ChallengeKind;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.challenge.ChallengeParameters;
import io.openledger.chain.challenge.ChallengeStatus;
import io.openledger.chain.challenge.RecordVerifier.Verdict;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.Batcher;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.economy.PaidModelFixture;
import io.openledger.node.economy.RecordLog;
import io.openledger.node.economy.StoredRecord;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditor against a real node whose operator cheats: the test writes a record with a changed
 * attribution into the operator's log (signed by the operator, as a patched node would), the
 * batcher posts it, and an auditor with another key fetches the batch's records over HTTP from the
 * endpoint the operator published, proves them against the posted root, recomputes each, and builds
 * a wrong-attribution challenge for the cheat only, with a proof the module accepts. Its cursor
 * keeps it from filing twice after a restart, and a batch whose records cannot be fetched waits
 * instead of being skipped.
 *
 * <p>With the challenge module deciding by the node's own verifier, the auditor's challenge is
 * upheld in its transaction: the operator's pool is slashed, the auditor paid, and the batch's
 * payouts corrected to what an honest operator would have posted before the batch is final.
 */
class AuditorTest {
  @TempDir Path dir;

  /** The test node's parameters with a challenge window long enough to audit in. */
  static final EconomyParameters LONG_WINDOW =
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
          600,
          600,
          600);

  private final KeyPair auditorKey = EconomyNode.dev(8);

  @Test
  void theAuditorFindsTheCheatBuildsItsChallengeAndNeverFilesTwice() throws Exception {
    try (EconomyNode node =
        EconomyNode.start(dir, new Batcher.Config(10_000, 1_000, false), LONG_WINDOW)) {
      PaidModelFixture paid = PaidModelFixture.setUp(node, dir, List.of("Once upon a time"));
      String body = PaidModelFixture.completion(paid.model(), "Once upon a time");
      paid.pay(node, body);
      StoredRecord honest = last(node);
      InferenceRecord cheat = forge(node, honest);
      Hash posted = node.economy().batcher().flush().orElseThrow();
      assertThat(node.awaitReceipt(posted.toHex()).success()).isTrue();
      assertThat(StakingModule.endpoint(node.state(), EconomyNode.OPERATOR.address()))
          .contains(node.apiUrl());

      // its own operator's batches are not its business
      try (Auditor own = auditor(node, dir.resolve("own.json"), true)) {
        assertThat(own.auditOnce()).isEmpty();
        assertThat(own.cursor().pending()).isEmpty();
        assertThat(own.stats().records()).isZero();
      }

      Path cursor = dir.resolve("audit.json");
      List<Auditor.Filing> filings;
      try (Auditor a = auditor(node, cursor, false)) {
        filings = a.auditOnce();
        assertThat(a.stats().records()).isEqualTo(2);
        assertThat(a.stats().upheld()).isEqualTo(1);
        assertThat(a.stats().batches()).isEqualTo(1);
        assertThat(a.stats().recordsPerSecond()).isPositive();
      }
      assertThat(filings).hasSize(1);
      Auditor.Filing f = filings.getFirst();
      assertThat(f.operator()).isEqualTo(EconomyNode.OPERATOR.address());
      assertThat(f.seq()).isZero();
      assertThat(f.recordNumber()).isEqualTo(cheat.number());
      assertThat(f.index()).isEqualTo(1);
      assertThat(f.bond()).isEqualTo(node.genesis.economy().challenges().minimumBond());
      assertThat(f.tx()).isPresent();
      assertThat(node.awaitReceipt(f.tx().orElseThrow().toHex()).success()).isTrue();
      checkCall(node, f.calldata(), cheat, honest);

      // a restart reads the cursor: nothing is filed again
      try (Auditor again = auditor(node, cursor, false)) {
        assertThat(again.auditOnce()).isEmpty();
        assertThat(again.stats().records()).isZero();
        assertThat(again.cursor().pending()).isEmpty();
      }

      // the upheld challenge cut the operator's pool under its tier's minimum: it tops it up
      Amount bonded =
          StakingModule.pool(node.state(), EconomyNode.OPERATOR.address()).bondedStake();
      assertThat(bonded).isLessThan(node.operatorStake());
      node.ok(
          EconomyNode.OPERATOR,
          StakingModule.ADDRESS,
          StakingModule.STAKE.encodeCall(
              EconomyNode.OPERATOR.address(), BigInteger.valueOf(LockTerm.FLEXIBLE.code())),
          node.operatorStake().subtract(bonded));

      // records the auditor cannot fetch: the batch waits, then is audited
      node.ok(
          EconomyNode.OPERATOR,
          StakingModule.ADDRESS,
          StakingModule.SET_ENDPOINT.encodeCall("http://127.0.0.1:1"));
      InferenceRecord second = forge(node, honest);
      Hash posted2 = node.economy().batcher().flush().orElseThrow();
      assertThat(node.awaitReceipt(posted2.toHex()).success()).isTrue();
      try (Auditor a = auditor(node, cursor, false)) {
        assertThat(a.auditOnce()).isEmpty();
        assertThat(a.cursor().pending())
            .containsExactly(new AuditCursor.PendingBatch(EconomyNode.OPERATOR.address(), 1, 0));
      }
      node.ok(
          EconomyNode.OPERATOR,
          StakingModule.ADDRESS,
          StakingModule.SET_ENDPOINT.encodeCall(node.apiUrl()));
      try (Auditor a = auditor(node, cursor, false)) {
        List<Auditor.Filing> late = a.auditOnce();
        assertThat(late).extracting(Auditor.Filing::recordNumber).containsExactly(second.number());
        assertThat(late.getFirst().seq()).isEqualTo(1);
        assertThat(late.getFirst().index()).isZero();
        assertThat(a.cursor().pending()).isEmpty();
      }
    }
  }

  @Test
  void theChallengeIsFiledAndTheCheaterSlashedBeforeItsBatchIsFinal() throws Exception {
    try (EconomyNode node =
        EconomyNode.start(dir, new Batcher.Config(10_000, 1_000, false), SHORT_WINDOW)) {
      PaidModelFixture paid = PaidModelFixture.setUp(node, dir, List.of("Once upon a time"));
      paid.pay(node, PaidModelFixture.completion(paid.model(), "Once upon a time"));
      StoredRecord honest = last(node);
      InferenceRecord cheat = forge(node, honest);
      Hash posted = node.economy().batcher().flush().orElseThrow();
      assertThat(node.awaitReceipt(posted.toHex()).success()).isTrue();
      Address operator = EconomyNode.OPERATOR.address();
      Batch claimed = InferenceModule.batch(node.state(), operator, 0).orElseThrow();
      // what an honest operator would have posted: the honest record twice
      InferenceRecord honestTwin = withAttribution(cheat, honest.record().attribution());
      List<Payout> honestPayouts =
          Batcher.contents(
                  node.state(),
                  List.of(honest.record(), honestTwin),
                  node.genesis.economy().inference(),
                  node.genesis.treasury(),
                  node.ledger().chain().block(BlockRef.LATEST).orElseThrow().timestamp())
              .payouts();
      assertThat(claimed.payouts()).isNotEqualTo(honestPayouts);
      Amount stakeBefore = StakingModule.pool(node.state(), operator).bondedStake();
      Amount auditorBefore = node.balance(auditorKey.address());

      List<Auditor.Filing> filings;
      try (Auditor a = auditor(node, dir.resolve("audit.json"), false)) {
        filings = a.auditOnce();
      }
      assertThat(filings).hasSize(1);
      Hash tx = filings.getFirst().tx().orElseThrow();
      EconomyNode.Mined mined = node.awaitReceipt(tx.toHex());
      assertThat(mined.success()).isTrue();

      // upheld by recomputation in the transaction: slashed, the challenger paid, the batch fixed
      Challenge c = ChallengeModule.challenge(node.state(), 1).orElseThrow();
      assertThat(c.kind()).isEqualTo(ChallengeKind.WRONG_ATTRIBUTION);
      assertThat(c.status()).isEqualTo(ChallengeStatus.UPHELD);
      assertThat(c.recordNumber()).isEqualTo(cheat.number());
      Amount stakeAfter = StakingModule.pool(node.state(), operator).bondedStake();
      Amount cut = stakeBefore.subtract(stakeAfter);
      ChallengeParameters p = node.genesis.economy().challenges();
      assertThat(cut).isEqualTo(stakeBefore.multiply(p.attributionSlashBps()).divide(10_000));
      assertThat(c.slashed()).isEqualTo(cut);
      Amount toAuditor = cut.multiply(p.challengerBps()).divide(10_000);
      assertThat(node.balance(auditorKey.address()))
          .as("the bond back and the challenger's share, less gas")
          .isEqualTo(auditorBefore.add(toAuditor).subtract(mined.gasCost()));
      Batch corrected = InferenceModule.batch(node.state(), operator, 0).orElseThrow();
      assertThat(corrected.voided()).isFalse();
      assertThat(corrected.total()).isEqualTo(claimed.total());
      assertThat(corrected.payouts()).containsExactlyInAnyOrderElementsOf(honestPayouts);

      // the corrected batch finalizes after its window; the contributors are paid as if honest
      node.awaitChainTime(corrected.finalizableAt());
      node.ok(
          EconomyNode.dev(5),
          InferenceModule.ADDRESS,
          InferenceModule.FINALIZE_BATCH.encodeCall(operator, BigInteger.ZERO));
      for (Payout honestPayout : honestPayouts) {
        if (honestPayout.account().equals(StakingModule.ADDRESS)) {
          continue; // paid on into the operator's pool
        }
        assertThat(InferenceModule.earnings(node.state(), honestPayout.account()).claimable())
            .as("claimable of %s", honestPayout.account())
            .isGreaterThanOrEqualTo(honestPayout.amount());
      }
      assertThat(node.auditFailures).isEmpty();
    }
  }

  /** The test node's parameters with a window an auditor fits in and a test can wait out. */
  static final EconomyParameters SHORT_WINDOW =
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
          30,
          600,
          600);

  private static InferenceRecord withAttribution(InferenceRecord r, List<Attribution> a) {
    return new InferenceRecord(
            r.operator(),
            r.number(),
            r.modelId(),
            r.adapterHash(),
            r.payer(),
            r.keyHash(),
            r.requestHash(),
            r.outputHash(),
            r.promptTokens(),
            r.completionTokens(),
            r.fee(),
            a,
            r.authorized(),
            r.spendSignature(),
            new byte[0])
        .signedBy(EconomyNode.OPERATOR);
  }

  private Auditor auditor(EconomyNode node, Path cursor, boolean ownIsTheOperator) {
    return new Auditor(
        node.ledger().chain(),
        node.ledger().state(),
        node.ledger().fees(),
        node.ledger().intake(),
        node.economy().recordVerifier(),
        PublishedRecords.http(),
        new Auditor.Config(
            auditorKey,
            ownIsTheOperator ? EconomyNode.OPERATOR.address() : auditorKey.address(),
            node.genesis.economy().challenges().minimumBond(),
            cursor,
            1, // a page per record: the paging is exercised too
            () -> true));
  }

  /** The challenge's call data names the cheat, proves it, and carries its output. */
  private static void checkCall(
      EconomyNode node, byte[] calldata, InferenceRecord cheat, StoredRecord honest) {
    List<Object> a = ChallengeModule.CHALLENGE.decodeArguments(calldata);
    assertThat(a.get(0)).isEqualTo(EconomyNode.OPERATOR.address());
    assertThat(a.get(1)).isEqualTo(BigInteger.ZERO);
    assertThat(a.get(2)).isEqualTo(BigInteger.valueOf(ChallengeKind.WRONG_ATTRIBUTION.code()));
    InferenceRecord named = InferenceRecord.decode((byte[]) a.get(3));
    assertThat(named).isEqualTo(cheat);
    Batch b = InferenceModule.batch(node.state(), EconomyNode.OPERATOR.address(), 0).orElseThrow();
    List<Hash> siblings = new ArrayList<>();
    for (Object s : (List<?>) a.get(4)) {
      siblings.add(Hash.wrap((byte[]) s));
    }
    int index = ((BigInteger) a.get(5)).intValueExact();
    assertThat(
            RecordsMerkle.verify(
                b.recordsRoot(),
                named.hash(),
                new RecordsMerkle.Proof(index, (int) b.recordCount(), siblings)))
        .isTrue();
    byte[] evidence = (byte[]) a.get(6);
    assertThat(new String(evidence, StandardCharsets.UTF_8)).isEqualTo(honest.output());
    Verdict v =
        node.economy()
            .recordVerifier()
            .verify(node.state(), ChallengeKind.WRONG_ATTRIBUTION, named, evidence);
    assertThat(((Verdict.Upheld) v).attribution()).isEqualTo(honest.record().attribution());
  }

  private static StoredRecord last(EconomyNode node) {
    RecordLog log = node.economy().records();
    return StoredRecord.decode(log.get(log.nextNumber() - 1).orElseThrow());
  }

  /**
   * What a patched operator would write: the honest record's answer again with 100,000 ppm moved
   * onto (or off) its first contribution, signed and appended to the log for the batcher.
   */
  static InferenceRecord forge(EconomyNode node, StoredRecord honest) {
    List<Attribution> changed = new ArrayList<>(honest.record().attribution());
    Attribution first = changed.getFirst();
    changed.set(
        0,
        new Attribution(
            first.contributionId(),
            first.ppm() > 500_000 ? first.ppm() - 100_000 : first.ppm() + 100_000));
    InferenceRecord[] out = new InferenceRecord[1];
    node.economy()
        .records()
        .append(
            n -> {
              InferenceRecord r = honest.record();
              out[0] =
                  new InferenceRecord(
                          r.operator(),
                          n,
                          r.modelId(),
                          r.adapterHash(),
                          r.payer(),
                          r.keyHash(),
                          r.requestHash(),
                          r.outputHash(),
                          r.promptTokens(),
                          r.completionTokens(),
                          r.fee(),
                          changed,
                          r.authorized(),
                          r.spendSignature(),
                          new byte[0])
                      .signedBy(EconomyNode.OPERATOR);
              StoredRecord s = new StoredRecord(out[0], honest.output());
              return new RecordLog.Entry(out[0].hash(), s.encode());
            });
    return out[0];
  }
}
