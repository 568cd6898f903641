package io.openledger.chain.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.state.Account;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every refusal, with the exact text go-ethereum gives (wallets and SDKs match on it). */
class TransactionValidatorTest {
  private static final Address BOB = Address.fromHex("0x00000000000000000000000000000000000b0b00");
  private static final String ALICE = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"; // EIP-55

  private final TestChain chain = TestChain.devnet();
  private final KeyPair alice = TestChain.dev(0);
  private final TransactionValidator validator = new TransactionValidator(chain.genesis.rules());

  private BlockEnvironment env() {
    return chain.next(2);
  }

  private ValidationResult execute(Transaction tx) {
    return validator.validateForExecution(tx, chain.state(), env(), env().gasLimit());
  }

  private TransactionBuilder base() {
    return TransactionBuilder.eip1559(1337)
        .nonce(0)
        .maxPriorityFeePerGas(TestChain.GWEI)
        .maxFeePerGas(TestChain.GWEI.multiply(3))
        .gasLimit(21_000)
        .to(BOB)
        .value(Amount.open(1));
  }

  private static void assertInvalid(ValidationResult r, InvalidReason reason, String message) {
    assertThat(r).isEqualTo(ValidationResult.invalid(reason, message));
  }

  @Test
  void eip55AddressesAsGethPrintsThem() {
    assertThat(Eip55.format(alice.address())).isEqualTo(ALICE);
    assertThat(Eip55.format(Address.fromHex("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")))
        .isEqualTo("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  }

  @Test
  void validTransferPasses() {
    assertThat(execute(base().sign(alice)).isValid()).isTrue();
  }

  @Test
  void nonceTooLowAndTooHigh() {
    chain.produce(List.of(chain.transfer(alice, BOB, Amount.of(1), 0)));
    assertInvalid(
        execute(base().nonce(0).sign(alice)),
        InvalidReason.NONCE_TOO_LOW,
        "nonce too low: address " + ALICE + ", tx: 0 state: 1");
    assertInvalid(
        execute(base().nonce(5).sign(alice)),
        InvalidReason.NONCE_TOO_HIGH,
        "nonce too high: address " + ALICE + ", tx: 5 state: 1");
  }

  @Test
  void insufficientFundsCountsTheFeeCapNotTheEffectivePrice() {
    Amount balance = chain.state().balance(alice.address());
    Transaction tx = base().value(balance).sign(alice);
    Amount want = TestChain.GWEI.multiply(3).multiply(21_000).add(balance);
    assertInvalid(
        execute(tx),
        InvalidReason.INSUFFICIENT_FUNDS,
        "insufficient funds for gas * price + value: address "
            + ALICE
            + " have "
            + balance
            + " want "
            + want);
  }

  @Test
  void spendingLockedOpenIsNamed() {
    KeyPair demo = TestChain.dev(1); // 100,000 OPEN unlocked + 10,000 OPEN vesting
    Transaction tx = base().value(Amount.open(105_000)).sign(demo);
    Amount have = chain.state().balance(demo.address());
    Amount want = TestChain.GWEI.multiply(3).multiply(21_000).add(Amount.open(105_000));
    assertInvalid(
        execute(tx),
        InvalidReason.SPENDS_LOCKED,
        "transaction would spend locked (unvested) OPEN: address "
            + Eip55.format(demo.address())
            + " have "
            + have
            + " want "
            + want
            + " locked "
            + Amount.open(10_000));
    // beyond even balance + locked it is plain insufficient funds
    Transaction huge = base().value(Amount.open(200_000)).sign(demo);
    assertThat(((ValidationResult.Invalid) execute(huge)).reason())
        .isEqualTo(InvalidReason.INSUFFICIENT_FUNDS);
  }

  @Test
  void feeCapBelowBaseFee() {
    Transaction tx =
        base().maxFeePerGas(Amount.of(5)).maxPriorityFeePerGas(Amount.of(1)).sign(alice);
    assertInvalid(
        execute(tx),
        InvalidReason.FEE_CAP_TOO_LOW,
        "max fee per gas less than block base fee: address "
            + ALICE
            + ", maxFeePerGas: 5, baseFee: "
            + env().baseFee());
  }

  @Test
  void tipAboveFeeCap() {
    Transaction tx =
        base()
            .maxFeePerGas(TestChain.GWEI.multiply(2))
            .maxPriorityFeePerGas(TestChain.GWEI.multiply(3))
            .sign(alice);
    assertInvalid(
        execute(tx),
        InvalidReason.TIP_ABOVE_FEE_CAP,
        "max priority fee per gas higher than max fee per gas: address "
            + ALICE
            + ", maxPriorityFeePerGas: 3000000000, maxFeePerGas: 2000000000");
  }

  @Test
  void intrinsicGasTooLow() {
    assertInvalid(
        execute(base().gasLimit(20_999).sign(alice)),
        InvalidReason.INTRINSIC_GAS_TOO_LOW,
        "intrinsic gas too low: have 20999, want 21000");
    byte[] data = {0, 1, 2};
    assertInvalid(
        execute(base().gasLimit(21_000).data(data).sign(alice)),
        InvalidReason.INTRINSIC_GAS_TOO_LOW,
        "intrinsic gas too low: have 21000, want 21036");
    // module calls also pay the module entry
    assertInvalid(
        execute(
            base()
                .to(io.openledger.chain.vesting.VestingModule.ADDRESS)
                .value(Amount.ZERO)
                .gasLimit(21_000)
                .sign(alice)),
        InvalidReason.INTRINSIC_GAS_TOO_LOW,
        "intrinsic gas too low: have 21000, want 23600");
  }

  @Test
  void gasAboveTheBlockLimitAndNoRoomLeft() {
    assertInvalid(
        execute(base().gasLimit(env().gasLimit() + 1).sign(alice)),
        InvalidReason.EXCEEDS_BLOCK_GAS_LIMIT,
        "exceeds block gas limit");
    assertInvalid(
        validator.validateForExecution(base().sign(alice), chain.state(), env(), 20_000),
        InvalidReason.BLOCK_FULL,
        "gas limit reached");
  }

  @Test
  void wrongChainIdAndContractCreation() {
    Transaction other =
        TransactionBuilder.eip1559(1)
            .nonce(0)
            .maxPriorityFeePerGas(TestChain.GWEI)
            .maxFeePerGas(TestChain.GWEI.multiply(3))
            .gasLimit(21_000)
            .to(BOB)
            .value(Amount.of(1))
            .sign(alice);
    assertInvalid(
        execute(other),
        InvalidReason.WRONG_CHAIN_ID,
        "invalid chain id for signer: have 1 want 1337");
    Transaction create = base().to(Optional.empty()).gasLimit(100_000).sign(alice);
    assertThat(((ValidationResult.Invalid) execute(create)).reason())
        .isEqualTo(InvalidReason.CONTRACT_CREATION_UNSUPPORTED);
  }

  @Test
  void admissionAllowsANonceGapButNotAReusedNonce() {
    StateReader head = chain.state();
    Account account = head.account(alice.address());
    Amount nextBaseFee = env().baseFee();
    assertThat(
            validator
                .validateForAdmission(
                    base().nonce(7).sign(alice), account, nextBaseFee, env().gasLimit(), head)
                .isValid())
        .isTrue();
    Account used = account.withNonce(3);
    assertInvalid(
        validator.validateForAdmission(
            base().nonce(2).sign(alice), used, nextBaseFee, env().gasLimit(), head),
        InvalidReason.NONCE_TOO_LOW,
        "nonce too low: address " + ALICE + ", tx: 2 state: 3");
  }

  @Test
  void legacyTransactionsUseTheirGasPriceForBothCaps() {
    Transaction legacy =
        TransactionBuilder.legacy(1337)
            .nonce(0)
            .gasPrice(Amount.of(5))
            .gasLimit(21_000)
            .to(BOB)
            .value(Amount.of(1))
            .sign(alice);
    assertInvalid(
        execute(legacy),
        InvalidReason.FEE_CAP_TOO_LOW,
        "max fee per gas less than block base fee: address "
            + ALICE
            + ", maxFeePerGas: 5, baseFee: "
            + env().baseFee());
  }

  @Test
  void oversizedTransaction() {
    byte[] data = new byte[ProtocolRules.DEFAULT_MAX_TRANSACTION_SIZE];
    java.util.Arrays.fill(data, (byte) 1);
    Transaction tx = base().data(data).gasLimit(3_000_000).sign(alice);
    assertInvalid(
        execute(tx),
        InvalidReason.OVERSIZED,
        "oversized data: transaction size " + tx.size() + ", limit 131072");
  }

  @Test
  void nonceAtItsMaximum() {
    var db =
        new io.openledger.chain.state.StateDatabase(
            new io.openledger.chain.store.InMemoryKeyValueStore());
    var state = db.open(io.openledger.chain.types.Hash.ZERO, -1);
    state.credit(alice.address(), Amount.open(1));
    state.setNonce(alice.address(), Long.MAX_VALUE);
    Message m =
        new Message(
            alice.address(),
            BOB,
            Long.MAX_VALUE,
            21_000,
            TestChain.GWEI,
            Amount.ZERO,
            Amount.ZERO,
            new byte[0]);
    assertInvalid(
        validator.validateMessage(m, state, TestChain.GWEI, 30_000_000),
        InvalidReason.NONCE_MAX,
        "nonce has max value: address " + ALICE + ", nonce: " + Long.MAX_VALUE);
  }

  @Test
  void signatureThatRecoversNoKeyIsAnInvalidSender() {
    Transaction tx =
        base()
            .withSignature(
                new io.openledger.chain.crypto.Signature(
                    java.math.BigInteger.ZERO, java.math.BigInteger.ONE, 0));
    assertInvalid(execute(tx), InvalidReason.INVALID_SENDER, "invalid sender");
  }
}
