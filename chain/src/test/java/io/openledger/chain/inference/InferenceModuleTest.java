package io.openledger.chain.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Log;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.Call;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.SimulationResult;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.staking.StakedModels;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inference module through real transactions on the devnet rules (challenge window 60 s,
 * withdrawal delay 180 s, revocation grace 180 s). After every block: the supply invariant holds,
 * the module holds exactly its running totals, and the totals equal a scan of every account.
 */
class InferenceModuleTest {
  private static final long GAS = 3_000_000;
  private static final Hash KEY = keccak("sk-openledger-test-key-1");
  private static final Hash ROOT = keccak("records");

  private final TestChain chain = TestChain.devnet();
  private final KeyPair payer = TestChain.dev(3);
  private final KeyPair payer2 = TestChain.dev(7);
  private final KeyPair operator = TestChain.dev(4);
  private final KeyPair operator2 = TestChain.dev(5);
  private final Address owner = TestChain.dev(6).address();
  private final KeyPair contributor = TestChain.dev(8);
  private final Map<Address, Long> nonces = new HashMap<>();

  /** Paid batches need a served model and the tier's stake (docs/staking.md): both operators. */
  @BeforeEach
  void stakedOperators() {
    StakedModels s = new StakedModels(this::sendTo);
    s.stakedModel(TestChain.dev(9), TestChain.dev(6), operator, Amount.open(1_000));
    s.stakedModel(TestChain.dev(9), TestChain.dev(6), operator2, Amount.open(1_000));
  }

  // ---- escrow ----

  @Test
  void depositThenWithdrawAfterTheDelayOnly() {
    TransactionResult d = ok(send(payer, Amount.open(10), InferenceModule.DEPOSIT.encodeCall()));
    assertThat(InferenceModule.DEPOSIT.decodeResult(d.returnData()))
        .containsExactly(Amount.open(10).value());
    Log log = d.logs().getFirst();
    assertThat(log.topics())
        .containsExactly(
            keccak("Deposited(address,uint256)"),
            Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(payer.address()))));
    assertThat(new BigInteger(1, log.data())).isEqualTo(Amount.open(10).value());
    ok(send(payer, Amount.open(5), InferenceModule.DEPOSIT.encodeCall()));
    assertThat(escrow(payer).balance()).isEqualTo(Amount.open(15));

    refused(payer, Amount.ZERO, InferenceModule.DEPOSIT.encodeCall(), "inference: deposit of zero");
    refused(
        payer,
        Amount.open(1),
        withdrawalOf(Amount.open(1)),
        "inference: requestWithdrawal is not payable");
    refused(
        payer,
        withdrawalOf(Amount.open(16)),
        "inference: withdrawal of 16000000000000000000 exceeds the escrow of 15000000000000000000");
    refused(payer, InferenceModule.WITHDRAW.encodeCall(), "inference: no withdrawal requested");

    long requestedAt = chain.head().timestamp() + 2;
    TransactionResult req = ok(send(payer, withdrawalOf(Amount.open(4))));
    assertThat(escrow(payer))
        .isEqualTo(new Escrow(Amount.open(15), Amount.open(4), requestedAt + 180));
    assertThat(req.logs().getFirst().topics().getFirst())
        .isEqualTo(keccak("WithdrawalRequested(address,uint256,uint64)"));

    refusedAt(
        requestedAt + 179,
        payer,
        InferenceModule.WITHDRAW.encodeCall(),
        "inference: withdrawal possible at "
            + (requestedAt + 180)
            + " (now "
            + (requestedAt + 179)
            + ")");

    Amount before = chain.state().balance(payer.address());
    TransactionResult w =
        ok(sendAt(requestedAt + 180, payer, InferenceModule.WITHDRAW.encodeCall()));
    assertThat(InferenceModule.WITHDRAW.decodeResult(w.returnData()))
        .containsExactly(Amount.open(4).value());
    assertThat(chain.state().balance(payer.address()))
        .isEqualTo(before.add(Amount.open(4)).subtract(fee(w)));
    assertThat(escrow(payer)).isEqualTo(new Escrow(Amount.open(11), Amount.ZERO, 0));
    refused(payer, InferenceModule.WITHDRAW.encodeCall(), "inference: no withdrawal requested");
  }

  @Test
  void aNewRequestReplacesTheOldAndRestartsTheDelay() {
    deposit(payer, Amount.open(10));
    ok(send(payer, withdrawalOf(Amount.open(2))));
    long second = chain.head().timestamp() + 100;
    ok(sendAt(second, payer, withdrawalOf(Amount.open(3))));
    assertThat(escrow(payer)).isEqualTo(new Escrow(Amount.open(10), Amount.open(3), second + 180));
    refusedAt(
        second + 179,
        payer,
        InferenceModule.WITHDRAW.encodeCall(),
        "inference: withdrawal possible at " + (second + 180) + " (now " + (second + 179) + ")");
    TransactionResult w = ok(sendAt(second + 180, payer, InferenceModule.WITHDRAW.encodeCall()));
    assertThat(InferenceModule.WITHDRAW.decodeResult(w.returnData()))
        .containsExactly(Amount.open(3).value());
  }

  @Test
  void aWithdrawalRacingUnbatchedWorkStillPaysTheBatchThenTheEscrowCannotCover() {
    deposit(payer, Amount.open(10));
    registerKey(payer, KEY, Amount.open(10));
    long requestedAt = chain.head().timestamp() + 2;
    ok(send(payer, withdrawalOf(Amount.open(6))));
    // within the delay the requested amount is still in the escrow: work done before is charged
    ok(
        send(
            operator,
            batch(0, 0, 5, List.of(keyCharge(payer, Amount.open(3))), payouts(Amount.open(3)))));
    assertThat(escrow(payer).balance()).isEqualTo(Amount.open(7));
    // after the delay: min(requested 6, escrow 7) leaves 1
    TransactionResult w =
        ok(sendAt(requestedAt + 180, payer, InferenceModule.WITHDRAW.encodeCall()));
    assertThat(InferenceModule.WITHDRAW.decodeResult(w.returnData()))
        .containsExactly(Amount.open(6).value());
    assertThat(escrow(payer).balance()).isEqualTo(Amount.open(1));
    refused(
        operator,
        batch(1, 5, 1, List.of(keyCharge(payer, Amount.open(2))), payouts(Amount.open(2))),
        "inference: charge 0 (payer "
            + payer.address()
            + "): escrow of 1000000000000000000 does not cover 2000000000000000000");
  }

  @Test
  void withdrawPaysWhatIsLeftWhenChargesTookMoreThanTheRequestLeft() {
    deposit(payer, Amount.open(10));
    registerKey(payer, KEY, Amount.open(10));
    long requestedAt = chain.head().timestamp() + 2;
    ok(send(payer, withdrawalOf(Amount.open(9))));
    ok(
        send(
            operator,
            batch(0, 0, 1, List.of(keyCharge(payer, Amount.open(4))), payouts(Amount.open(4)))));
    TransactionResult w =
        ok(sendAt(requestedAt + 180, payer, InferenceModule.WITHDRAW.encodeCall()));
    assertThat(InferenceModule.WITHDRAW.decodeResult(w.returnData()))
        .containsExactly(Amount.open(6).value());
    assertThat(escrow(payer)).isEqualTo(Escrow.EMPTY);
  }

  // ---- API keys ----

  @Test
  void keyCapIsATotalAcrossBatches() {
    deposit(payer, Amount.open(100));
    TransactionResult r = registerKey(payer, KEY, Amount.open(5));
    assertThat(r.logs().getFirst().topics())
        .containsExactly(
            keccak("ApiKeyRegistered(bytes32,address,uint256)"),
            KEY,
            Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(payer.address()))));
    ok(
        send(
            operator,
            batch(0, 0, 3, List.of(keyCharge(payer, Amount.open(3))), payouts(Amount.open(3)))));
    refused(
        operator,
        batch(1, 3, 2, List.of(keyCharge(payer, Amount.open(3))), payouts(Amount.open(3))),
        "inference: charge 0 (payer "
            + payer.address()
            + "): key "
            + KEY
            + " has spent 3000000000000000000 of its cap 5000000000000000000,"
            + " 3000000000000000000 more is over it");
    ok(
        send(
            operator,
            batch(1, 3, 2, List.of(keyCharge(payer, Amount.open(2))), payouts(Amount.open(2)))));
    assertThat(InferenceModule.apiKey(chain.state(), KEY))
        .contains(new ApiKey(payer.address(), Amount.open(5), Amount.open(5), 0));
    // the payer raises the cap of its own key; what it spent stays
    registerKey(payer, KEY, Amount.open(8));
    assertThat(InferenceModule.apiKey(chain.state(), KEY).orElseThrow().remaining())
        .isEqualTo(Amount.open(3));
  }

  @Test
  void keyRegistrationAndRevocationRules() {
    registerKey(payer, KEY, Amount.open(1));
    refused(
        payer2,
        InferenceModule.REGISTER_API_KEY.encodeCall(KEY.toArray(), Amount.open(1).value()),
        "inference: key " + KEY + " is registered to another payer");
    refused(
        payer,
        InferenceModule.REGISTER_API_KEY.encodeCall(new byte[32], Amount.open(1).value()),
        "inference: the zero key hash means signed mode");
    refused(
        payer,
        InferenceModule.REGISTER_API_KEY.encodeCall(keccak("k2").toArray(), BigInteger.ZERO),
        "inference: a key's cap must be above zero");
    refused(
        payer2,
        InferenceModule.REVOKE_API_KEY.encodeCall(KEY.toArray()),
        "inference: only the key's payer " + payer.address() + " can revoke it");
    refused(
        payer,
        InferenceModule.REVOKE_API_KEY.encodeCall(keccak("unknown").toArray()),
        "inference: key " + keccak("unknown") + " is not registered");
    long revokedAt = chain.head().timestamp() + 2;
    TransactionResult r = ok(send(payer, InferenceModule.REVOKE_API_KEY.encodeCall(KEY.toArray())));
    assertThat(r.logs().getFirst().topics().getFirst())
        .isEqualTo(keccak("ApiKeyRevoked(bytes32,address)"));
    refused(
        payer,
        InferenceModule.REVOKE_API_KEY.encodeCall(KEY.toArray()),
        "inference: key " + KEY + " was already revoked at " + revokedAt);
    refused(
        payer,
        InferenceModule.REGISTER_API_KEY.encodeCall(KEY.toArray(), Amount.open(1).value()),
        "inference: key " + KEY + " is revoked; register a new key");
  }

  @Test
  void aRevokedKeyIsChargedDuringTheGraceAndRefusedAfter() {
    deposit(payer, Amount.open(10));
    registerKey(payer, KEY, Amount.open(10));
    long revokedAt = chain.head().timestamp() + 2;
    ok(send(payer, InferenceModule.REVOKE_API_KEY.encodeCall(KEY.toArray())));
    ok(
        sendAt(
            revokedAt + 180,
            operator,
            batch(0, 0, 1, List.of(keyCharge(payer, Amount.open(1))), payouts(Amount.open(1)))));
    refusedAt(
        revokedAt + 181,
        operator,
        batch(1, 1, 1, List.of(keyCharge(payer, Amount.open(1))), payouts(Amount.open(1))),
        "inference: charge 0 (payer "
            + payer.address()
            + "): key "
            + KEY
            + " was revoked at "
            + revokedAt
            + "; its grace ended at "
            + (revokedAt + 180));
  }

  @Test
  void aLoweredCapBindsChargesOnlyAfterTheGraceSoServedRequestsStayChargeable() {
    deposit(payer, Amount.open(10));
    registerKey(payer, KEY, Amount.open(10));
    // the operator served 6 OPEN of requests; the payer cuts the cap to 1 before they are batched
    long loweredAt = chain.head().timestamp() + 2;
    registerKey(payer, KEY, Amount.open(1));
    ApiKey k = InferenceModule.apiKey(chain.state(), KEY).orElseThrow();
    assertThat(k.cap()).isEqualTo(Amount.open(1));
    assertThat(k.capAt(loweredAt + 180)).isEqualTo(Amount.open(10));
    assertThat(k.capAt(loweredAt + 181)).isEqualTo(Amount.open(1));
    // lowering again during the grace does not extend it
    registerKey(payer, KEY, Amount.open(2));
    assertThat(InferenceModule.apiKey(chain.state(), KEY).orElseThrow().graceUntil())
        .isEqualTo(loweredAt + 180);
    ok(
        sendAt(
            loweredAt + 100,
            operator,
            batch(0, 0, 3, List.of(keyCharge(payer, Amount.open(6))), payouts(Amount.open(6)))));
    // after the grace the lowered cap holds: 6 spent is over 2
    refusedAt(
        loweredAt + 181,
        operator,
        batch(1, 3, 1, List.of(keyCharge(payer, Amount.open(1))), payouts(Amount.open(1))),
        "inference: charge 0 (payer "
            + payer.address()
            + "): key "
            + KEY
            + " has spent 6000000000000000000 of its cap 2000000000000000000,"
            + " 1000000000000000000 more is over it");
  }

  @Test
  void keyModeRefusesSomeoneElsesKeyAnUnknownKeyAndASignature() {
    deposit(payer, Amount.open(10));
    deposit(payer2, Amount.open(10));
    registerKey(payer, KEY, Amount.open(10));
    refused(
        operator,
        batch(
            0,
            0,
            1,
            List.of(Charge.withKey(payer2.address(), KEY, Amount.open(1))),
            payouts(Amount.open(1))),
        "inference: charge 0 (payer "
            + payer2.address()
            + "): key "
            + KEY
            + " belongs to "
            + payer.address());
    refused(
        operator,
        batch(
            0,
            0,
            1,
            List.of(Charge.withKey(payer.address(), keccak("nope"), Amount.open(1))),
            payouts(Amount.open(1))),
        "inference: charge 0 (payer "
            + payer.address()
            + "): key "
            + keccak("nope")
            + " is not registered");
    refused(
        operator,
        batch(
            0,
            0,
            1,
            List.of(new Charge(payer.address(), KEY, Amount.open(1), Amount.ZERO, new byte[65])),
            payouts(Amount.open(1))),
        "inference: charge 0 (payer "
            + payer.address()
            + "): key mode takes no signature and no authorized amount");
  }

  // ---- signed mode ----

  @Test
  void signedModeChargesUpToTheLatestSignedAmount() {
    deposit(payer, Amount.open(10));
    SpendAuthorization first =
        new SpendAuthorization(operator.address(), keccak("request 1"), Amount.open(5));
    byte[] sig1 = first.sign(payer, chain.chainId());
    ok(
        send(
            operator,
            batch(
                0,
                0,
                1,
                List.of(signedCharge(first, sig1, Amount.open(3))),
                payouts(Amount.open(3)))));
    assertThat(InferenceModule.charged(chain.state(), payer.address(), operator.address()))
        .isEqualTo(Amount.open(3));
    // over-authorized: 3 charged + 3 more > 5 signed
    refused(
        operator,
        batch(1, 1, 1, List.of(signedCharge(first, sig1, Amount.open(3))), payouts(Amount.open(3))),
        "inference: charge 0 (payer "
            + payer.address()
            + "): authorized 5000000000000000000 but 3000000000000000000 was charged before,"
            + " 3000000000000000000 more is over it");
    // the same signature still covers what is left of it
    ok(
        send(
            operator,
            batch(
                1,
                1,
                1,
                List.of(signedCharge(first, sig1, Amount.open(2))),
                payouts(Amount.open(2)))));
    // a later request signs a higher cumulative amount
    SpendAuthorization second =
        new SpendAuthorization(operator.address(), keccak("request 2"), Amount.open(7));
    ok(
        send(
            operator,
            batch(
                2,
                2,
                1,
                List.of(signedCharge(second, second.sign(payer, chain.chainId()), Amount.open(2))),
                payouts(Amount.open(2)))));
    assertThat(InferenceModule.charged(chain.state(), payer.address(), operator.address()))
        .isEqualTo(Amount.open(7));
    assertThat(escrow(payer).balance()).isEqualTo(Amount.open(3));
    // charged is per operator: operator2 starts from zero and cannot use operator's signature
    refused(
        operator2,
        batch(
            0,
            0,
            1,
            List.of(signedCharge(second, second.sign(payer, chain.chainId()), Amount.open(1))),
            payouts(Amount.open(1))),
        "inference: charge 0 (payer "
            + payer.address()
            + "): the spend signature is not the payer's");
  }

  @Test
  void forgedOrMalformedSpendSignaturesAreRefused() {
    deposit(payer, Amount.open(10));
    SpendAuthorization spend =
        new SpendAuthorization(operator.address(), keccak("request"), Amount.open(5));
    String notPayers =
        "inference: charge 0 (payer "
            + payer.address()
            + "): the spend signature is not the payer's";
    // signed by someone else
    refused(
        operator,
        batch(
            0,
            0,
            1,
            List.of(signedCharge(spend, spend.sign(payer2, chain.chainId()), Amount.open(1))),
            payouts(Amount.open(1))),
        notPayers);
    // signed for another chain
    refused(
        operator,
        batch(
            0,
            0,
            1,
            List.of(signedCharge(spend, spend.sign(payer, 1), Amount.open(1))),
            payouts(Amount.open(1))),
        notPayers);
    // a flipped bit
    byte[] sig = spend.sign(payer, chain.chainId());
    sig[5] ^= 0x40;
    refused(
        operator,
        batch(0, 0, 1, List.of(signedCharge(spend, sig, Amount.open(1))), payouts(Amount.open(1))),
        notPayers);
    // an authorized amount the payer did not sign
    byte[] good = spend.sign(payer, chain.chainId());
    refused(
        operator,
        batch(
            0,
            0,
            1,
            List.of(
                new Charge(
                    payer.address(),
                    Hash.ZERO,
                    Amount.open(1),
                    Amount.open(9),
                    spend.chargeSignature(good))),
            payouts(Amount.open(1))),
        notPayers);
    // no request hash in front of the signature
    refused(
        operator,
        batch(
            0,
            0,
            1,
            List.of(new Charge(payer.address(), Hash.ZERO, Amount.open(1), Amount.open(5), good)),
            payouts(Amount.open(1))),
        "inference: charge 0 (payer "
            + payer.address()
            + "): signed mode takes requestHash ‖ 65-byte signature (97 bytes), got 65");
  }

  // ---- batch checks ----

  @Test
  void batchesAreRefusedUnlessEveryCheckHolds() {
    deposit(payer, Amount.open(10));
    deposit(payer2, Amount.open(10));
    registerKey(payer, KEY, Amount.open(10));
    Hash key2 = keccak("key of payer2");
    registerKey(payer2, key2, Amount.open(10));
    List<Charge> one = List.of(keyCharge(payer, Amount.open(2)));
    refused(
        operator,
        batch(0, 0, 1, one, payouts(Amount.open(1))),
        "inference: charges sum to 2000000000000000000 but payouts sum to 1000000000000000000");
    refused(
        operator,
        batch(0, 0, 1, List.of(keyCharge(payer, Amount.ZERO)), List.of()),
        "inference: charge 0 is zero");
    refused(
        operator,
        batch(
            0,
            0,
            1,
            one,
            List.of(
                new Payout(owner, Amount.open(2)), new Payout(contributor.address(), Amount.ZERO))),
        "inference: payout 1 is zero");
    refused(
        operator,
        batch(
            0,
            0,
            1,
            List.of(keyCharge(payer, Amount.open(1)), keyCharge(payer, Amount.open(1))),
            payouts(Amount.open(2))),
        "inference: payer " + payer.address() + " is charged twice for key " + KEY);
    refused(
        operator,
        batch(
            0,
            0,
            1,
            one,
            List.of(new Payout(owner, Amount.open(1)), new Payout(owner, Amount.open(1)))),
        "inference: payout account " + owner + " appears twice");
    Address stranger = TestChain.dev(9).address();
    refused(
        operator,
        batch(
            0,
            0,
            1,
            List.of(Charge.withKey(stranger, KEY, Amount.open(1))),
            payouts(Amount.open(1))),
        "inference: charge 0 (payer " + stranger + "): no escrow");
    refused(
        operator,
        batch(0, 0, 0, one, payouts(Amount.open(2))),
        "inference: a batch holds at least one record");
    refused(
        operator,
        batch(1, 0, 1, one, payouts(Amount.open(2))),
        "inference: batch 1 skips ahead (next is 0)");
    refused(
        operator,
        batch(0, 1, 1, one, payouts(Amount.open(2))),
        "inference: batch starts at record 1, the next record is 0");

    // two payers, two payouts: accepted
    TransactionResult posted =
        ok(
            send(
                operator,
                batch(
                    0,
                    0,
                    4,
                    List.of(
                        keyCharge(payer, Amount.open(2)),
                        Charge.withKey(payer2.address(), key2, Amount.open(1))),
                    List.of(
                        new Payout(owner, Amount.open(2)),
                        new Payout(contributor.address(), Amount.open(1))))));
    Log log = posted.logs().getFirst();
    assertThat(log.topics())
        .containsExactly(
            keccak("BatchPosted(address,uint64,bytes32,uint64,uint64,uint256)"),
            Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(operator.address()))),
            Hash.ZERO);
    assertThat(Abi.decode(AbiType.parseList("bytes32,uint64,uint64,uint256"), log.data()))
        .containsExactly(
            ROOT.toArray(), BigInteger.ZERO, BigInteger.valueOf(4), Amount.open(3).value());
    assertThat(InferenceModule.nextBatch(chain.state(), operator.address()))
        .isEqualTo(new NextBatch(1, 4));
    assertThat(InferenceModule.earnings(chain.state(), owner))
        .isEqualTo(new Earnings(Amount.open(2), Amount.ZERO, Amount.ZERO));

    // the same batch again is a replay; a gap in record numbers is refused
    refused(
        operator,
        batch(0, 0, 4, List.of(keyCharge(payer, Amount.open(2))), payouts(Amount.open(2))),
        "inference: batch 0 was already posted (next is 1)");
    refused(
        operator,
        batch(1, 5, 1, one, payouts(Amount.open(2))),
        "inference: batch starts at record 5, the next record is 4");
    // sequence numbers are per operator
    assertThat(InferenceModule.nextBatch(chain.state(), operator2.address()))
        .isEqualTo(NextBatch.FIRST);
    // a batch of free requests (no charges) is accepted and moves the record numbers on
    ok(send(operator, batch(1, 4, 10, List.of(), List.of())));
    assertThat(InferenceModule.nextBatch(chain.state(), operator.address()))
        .isEqualTo(new NextBatch(2, 14));
  }

  // ---- finalize and claim ----

  @Test
  void finalizeAfterTheWindowThenClaimPaysExactly() {
    deposit(payer, Amount.open(10));
    registerKey(payer, KEY, Amount.open(10));
    long postedAt = chain.head().timestamp() + 2;
    ok(
        send(
            operator,
            batch(
                0,
                0,
                2,
                List.of(keyCharge(payer, Amount.open(3))),
                List.of(
                    new Payout(owner, Amount.open(2)),
                    new Payout(contributor.address(), Amount.open(1))))));
    assertThat(InferenceModule.batch(chain.state(), operator.address(), 0).orElseThrow())
        .isEqualTo(
            new Batch(
                ROOT,
                0,
                2,
                Amount.open(3),
                postedAt,
                postedAt + 60,
                false,
                List.of(
                    new Payout(owner, Amount.open(2)),
                    new Payout(contributor.address(), Amount.open(1))),
                false,
                List.of(new BatchCharge(payer.address(), KEY, Amount.open(3)))));
    byte[] finalize =
        InferenceModule.FINALIZE_BATCH.encodeCall(operator.address(), BigInteger.ZERO);
    refused(
        contributor,
        InferenceModule.CLAIM.encodeCall(),
        "inference: nothing to claim yet (1000000000000000000 pending in open batches)");
    refusedAt(
        postedAt + 59,
        contributor,
        finalize,
        "inference: batch 0 of "
            + operator.address()
            + " can be finalized at "
            + (postedAt + 60)
            + " (now "
            + (postedAt + 59)
            + ")");
    refused(
        contributor,
        InferenceModule.FINALIZE_BATCH.encodeCall(operator.address(), BigInteger.ONE),
        "inference: batch 1 of " + operator.address() + " was never posted");
    TransactionResult f = ok(sendAt(postedAt + 60, contributor, finalize));
    assertThat(f.logs().getFirst().topics().getFirst())
        .isEqualTo(keccak("BatchFinalized(address,uint64)"));
    assertThat(InferenceModule.earnings(chain.state(), contributor.address()))
        .isEqualTo(new Earnings(Amount.ZERO, Amount.open(1), Amount.ZERO));
    Batch fin = InferenceModule.batch(chain.state(), operator.address(), 0).orElseThrow();
    assertThat(fin.finalized()).isTrue();
    assertThat(fin.payouts()).isEmpty();
    refused(
        contributor, finalize, "inference: batch 0 of " + operator.address() + " is already final");

    Amount before = chain.state().balance(contributor.address());
    TransactionResult c = ok(send(contributor, InferenceModule.CLAIM.encodeCall()));
    assertThat(InferenceModule.CLAIM.decodeResult(c.returnData()))
        .containsExactly(Amount.open(1).value());
    assertThat(chain.state().balance(contributor.address()))
        .isEqualTo(before.add(Amount.open(1)).subtract(fee(c)));
    assertThat(InferenceModule.earnings(chain.state(), contributor.address()))
        .isEqualTo(new Earnings(Amount.ZERO, Amount.ZERO, Amount.open(1)));
    assertThat(c.logs().getFirst().topics().getFirst())
        .isEqualTo(keccak("Claimed(address,uint256)"));
    refused(contributor, InferenceModule.CLAIM.encodeCall(), "inference: nothing to claim");
    refused(payer2, InferenceModule.CLAIM.encodeCall(), "inference: nothing to claim");
  }

  // ---- records to batch ----

  @Test
  void recordsSplitByTheFeeRuleMakeABatchTheModuleAccepts() {
    deposit(payer, Amount.open(10));
    deposit(payer2, Amount.open(10));
    registerKey(payer, KEY, Amount.open(10));
    FeeRule rule = InferenceParameters.DEVNET.feeRule();
    Address treasury = chain.genesis.treasury();
    Amount priceIn = Amount.of(2_000_000_000_000_000L);
    Amount priceOut = Amount.of(6_000_000_000_000_000L);
    List<InferenceRecord> records = new ArrayList<>();
    List<Payout> lines = new ArrayList<>();
    Amount payerTotal = Amount.ZERO;
    Amount payer2Total = Amount.ZERO;
    Amount authorized = Amount.ZERO;
    byte[] payer2Sig = null;
    SpendAuthorization payer2Spend = null;
    for (int i = 0; i < 6; i++) {
      boolean signed = i % 2 == 1;
      KeyPair who = signed ? payer2 : payer;
      Usage usage = new Usage(100L + 37 * i, 20L + 11 * i, priceIn, priceOut);
      List<Attribution> attribution =
          List.of(new Attribution(1, 300_000 + i), new Attribution(2, 200_000));
      FeeSplit split =
          rule.split(
              usage,
              List.of(
                  attribution.get(0).withContributor(contributor.address()),
                  attribution.get(1).withContributor(payer2.address())),
              new FeeParties(who.address(), owner, operator.address(), treasury));
      Hash request = keccak("request " + i);
      byte[] spendSig = new byte[0];
      if (signed) {
        authorized = authorized.add(split.fee());
        payer2Spend = new SpendAuthorization(operator.address(), request, authorized);
        spendSig = payer2Spend.sign(payer2, chain.chainId());
        payer2Sig = spendSig;
        payer2Total = payer2Total.add(split.fee());
      } else {
        payerTotal = payerTotal.add(split.fee());
      }
      records.add(
          new InferenceRecord(
                  operator.address(),
                  i,
                  1,
                  keccak("adapter"),
                  who.address(),
                  signed ? Hash.ZERO : KEY,
                  request,
                  keccak("output " + i),
                  usage.promptTokens(),
                  usage.completionTokens(),
                  split.fee(),
                  attribution,
                  signed ? authorized : Amount.ZERO,
                  spendSig,
                  new byte[0])
              .signedBy(operator));
      lines.addAll(split.payouts());
    }
    List<Payout> payouts = Payout.merge(lines);
    Hash root = RecordsMerkle.root(records.stream().map(InferenceRecord::hash).toList());
    List<Charge> charges =
        List.of(
            Charge.withKey(payer.address(), KEY, payerTotal),
            Charge.signed(payer2.address(), payer2Total, payer2Spend, payer2Sig));
    ok(
        send(
            operator,
            InferenceModule.encodePostBatch(0, root, 0, records.size(), charges, payouts)));
    assertThat(InferenceModule.batch(chain.state(), operator.address(), 0).orElseThrow().total())
        .isEqualTo(payerTotal.add(payer2Total));
    assertThat(InferenceModule.earnings(chain.state(), treasury).pending())
        .isEqualTo(
            payouts.stream()
                .filter(p -> p.account().equals(treasury))
                .findFirst()
                .orElseThrow()
                .amount());
    for (int i = 0; i < records.size(); i++) {
      InferenceRecord r = records.get(i);
      assertThat(r.operatorSignatureValid()).isTrue();
      assertThat(
              RecordsMerkle.verify(
                  root,
                  r.hash(),
                  RecordsMerkle.proof(records.stream().map(InferenceRecord::hash).toList(), i)))
          .isTrue();
      if (r.signedMode()) {
        assertThat(r.payerSignatureValid(chain.chainId())).isTrue();
      }
    }
  }

  // ---- views ----

  @Test
  void viewsThroughEthCallMatchTheGasFreeReaders() {
    deposit(payer, Amount.open(10));
    registerKey(payer, KEY, Amount.open(4));
    ok(
        send(
            operator,
            batch(0, 0, 3, List.of(keyCharge(payer, Amount.open(3))), payouts(Amount.open(3)))));
    StateReader s = chain.state();
    Escrow e = InferenceModule.escrowOf(s, payer.address());
    assertThat(view(InferenceModule.ESCROW_OF, payer.address()))
        .containsExactly(e.balance().value(), BigInteger.ZERO, BigInteger.ZERO);
    assertThat(view(InferenceModule.API_KEY, (Object) KEY.toArray()))
        .containsExactly(
            payer.address(), Amount.open(4).value(), Amount.open(3).value(), BigInteger.ZERO);
    assertThat(view(InferenceModule.API_KEY, (Object) keccak("none").toArray()))
        .containsExactly(Address.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO);
    Batch b = InferenceModule.batch(s, operator.address(), 0).orElseThrow();
    List<Object> bv = view(InferenceModule.BATCH, operator.address(), BigInteger.ZERO);
    assertThat(bv.subList(1, 7))
        .containsExactly(
            BigInteger.ZERO,
            BigInteger.valueOf(3),
            Amount.open(3).value(),
            BigInteger.valueOf(b.postedAt()),
            BigInteger.valueOf(b.finalizableAt()),
            false);
    assertThat((byte[]) bv.getFirst()).isEqualTo(ROOT.toArray());
    assertThat(view(InferenceModule.NEXT_BATCH, operator.address()))
        .containsExactly(BigInteger.ONE, BigInteger.valueOf(3));
    assertThat(view(InferenceModule.CHARGED, payer.address(), operator.address()))
        .containsExactly(BigInteger.ZERO);
    assertThat(view(InferenceModule.EARNINGS, owner))
        .containsExactly(Amount.open(2).value(), BigInteger.ZERO, BigInteger.ZERO);
    assertThat(view(InferenceModule.PARAMETERS))
        .containsExactly(
            BigInteger.valueOf(60),
            BigInteger.valueOf(180),
            BigInteger.valueOf(180),
            BigInteger.valueOf(1000),
            BigInteger.valueOf(2000),
            BigInteger.valueOf(2000),
            BigInteger.valueOf(5000),
            BigInteger.ZERO);
    SimulationResult unknown =
        chain.simulator.call(
            chain.head().stateRoot(),
            chain.next(2),
            Call.of(null, InferenceModule.ADDRESS, new byte[] {1, 2, 3, 4}));
    assertThat(((SimulationResult.Reverted) unknown).reason())
        .isEqualTo("inference: unknown function selector 0x01020304");
  }

  // ---- helpers ----

  private List<Object> view(io.openledger.chain.module.AbiFunction f, Object... args) {
    SimulationResult r =
        chain.simulator.call(
            chain.head().stateRoot(),
            chain.next(2),
            Call.of(null, InferenceModule.ADDRESS, f.encodeCall(args)));
    assertThat(r).isInstanceOf(SimulationResult.Success.class);
    return f.decodeResult(((SimulationResult.Success) r).returnData());
  }

  private Escrow escrow(KeyPair who) {
    return InferenceModule.escrowOf(chain.state(), who.address());
  }

  private void deposit(KeyPair who, Amount amount) {
    ok(send(who, amount, InferenceModule.DEPOSIT.encodeCall()));
  }

  private TransactionResult registerKey(KeyPair who, Hash keyHash, Amount cap) {
    return ok(
        send(who, InferenceModule.REGISTER_API_KEY.encodeCall(keyHash.toArray(), cap.value())));
  }

  private static byte[] withdrawalOf(Amount amount) {
    return InferenceModule.REQUEST_WITHDRAWAL.encodeCall(amount.value());
  }

  private Charge keyCharge(KeyPair who, Amount amount) {
    return Charge.withKey(who.address(), KEY, amount);
  }

  private Charge signedCharge(SpendAuthorization spend, byte[] sig, Amount amount) {
    return Charge.signed(payer.address(), amount, spend, sig);
  }

  /** The amount split 2:1 between the owner and the contributor (whatever is odd to the owner). */
  private List<Payout> payouts(Amount total) {
    Amount third = total.divide(3);
    return third.isZero()
        ? List.of(new Payout(owner, total))
        : List.of(
            new Payout(owner, total.subtract(third)), new Payout(contributor.address(), third));
  }

  private static byte[] batch(
      long seq, long first, long count, List<Charge> charges, List<Payout> payouts) {
    return InferenceModule.encodePostBatch(seq, ROOT, first, count, charges, payouts);
  }

  private TransactionResult send(KeyPair from, byte[] data) {
    return send(from, Amount.ZERO, data);
  }

  private TransactionResult send(KeyPair from, Amount value, byte[] data) {
    return sendAt(chain.head().timestamp() + 2, from, value, data);
  }

  private TransactionResult sendAt(long time, KeyPair from, byte[] data) {
    return sendAt(time, from, Amount.ZERO, data);
  }

  private TransactionResult sendAt(long time, KeyPair from, Amount value, byte[] data) {
    return sendAt(time, from, InferenceModule.ADDRESS, value, data);
  }

  private TransactionResult sendTo(KeyPair from, Address to, Amount value, byte[] data) {
    return sendAt(chain.head().timestamp() + 2, from, to, value, data);
  }

  private TransactionResult sendAt(long time, KeyPair from, Address to, Amount value, byte[] data) {
    long nonce = nonces.merge(from.address(), 1L, Long::sum) - 1;
    Transaction tx = chain.call(from, to, value, data, GAS, nonce);
    ExecutedBlock b = chain.produce(chain.next(time - chain.head().timestamp()), List.of(tx));
    assertThat(b.results()).as("included").hasSize(1);
    audit();
    return b.results().getFirst();
  }

  private static TransactionResult ok(TransactionResult r) {
    assertThat(r.revertReason()).as("revert reason").isEmpty();
    assertThat(r.success()).isTrue();
    return r;
  }

  private void refused(KeyPair from, byte[] data, String reason) {
    refused(from, Amount.ZERO, data, reason);
  }

  private void refused(KeyPair from, Amount value, byte[] data, String reason) {
    refusedAt(chain.head().timestamp() + 2, from, value, data, reason);
  }

  private void refusedAt(long time, KeyPair from, byte[] data, String reason) {
    refusedAt(time, from, Amount.ZERO, data, reason);
  }

  /** The call reverts with exactly {@code reason} and the module's state is unchanged. */
  private void refusedAt(long time, KeyPair from, Amount value, byte[] data, String reason) {
    List<Object> before = snapshot();
    TransactionResult r = sendAt(time, from, value, data);
    assertThat(r.success()).isFalse();
    assertThat(r.revertReason()).contains(reason);
    assertThat(r.logs()).isEmpty();
    assertThat(snapshot()).isEqualTo(before);
  }

  private List<Address> accounts() {
    List<Address> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(TestChain.dev(i).address());
    }
    all.add(chain.genesis.treasury());
    return all;
  }

  /** Everything the module keeps about the accounts and keys these tests use. */
  private List<Object> snapshot() {
    StateReader s = chain.state();
    List<Object> out = new ArrayList<>();
    out.add(s.balance(InferenceModule.ADDRESS));
    out.add(InferenceModule.totals(s));
    for (Address a : accounts()) {
      out.add(InferenceModule.escrowOf(s, a));
      out.add(InferenceModule.earnings(s, a));
      out.add(InferenceModule.nextBatch(s, a));
      for (Address b : accounts()) {
        out.add(InferenceModule.charged(s, a, b));
      }
      for (long seq = 0; seq < 4; seq++) {
        out.add(InferenceModule.batch(s, a, seq));
      }
    }
    for (Hash k : List.of(KEY, keccak("key of payer2"), keccak("k2"))) {
      out.add(InferenceModule.apiKey(s, k));
    }
    return out;
  }

  /** The supply invariant, the module's balance against its totals, the totals against a scan. */
  private void audit() {
    StateReader s = chain.state();
    assertThat(SupplyAudit.check(s)).isEmpty();
    assertThat(InferenceModule.audit(s)).isEmpty();
    assertThat(StakingModule.audit(s)).isEmpty();
    Amount escrows = Amount.ZERO;
    Amount pending = Amount.ZERO;
    Amount claimable = Amount.ZERO;
    for (Address a : accounts()) {
      escrows = escrows.add(InferenceModule.escrowOf(s, a).balance());
      Earnings e = InferenceModule.earnings(s, a);
      pending = pending.add(e.pending());
      claimable = claimable.add(e.claimable());
    }
    assertThat(new InferenceTotals(escrows, pending, claimable))
        .isEqualTo(InferenceModule.totals(s));
  }

  private static Amount fee(TransactionResult r) {
    return r.effectiveGasPrice().multiply(r.gasUsed());
  }

  private static Hash keccak(String s) {
    return Hash.keccak256(s.getBytes(StandardCharsets.UTF_8));
  }
}
