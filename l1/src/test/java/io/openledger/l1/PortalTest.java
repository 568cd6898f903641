package io.openledger.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Deposits and withdrawals through the Portal on anvil, with withdrawals recorded in an L2 state
 * built by the chain's own state code and proven with its proofs. After every step, OPEN on L1 plus
 * OPEN on L2 plus OPEN in flight is the genesis supply, exactly.
 */
class PortalTest {
  private static final Address ALICE =
      Address.fromHex("0x00000000000000000000000000000000000a11ce");
  private static final Address BOB = Address.fromHex("0x0000000000000000000000000000000000000b0b");
  private static final Amount GENESIS = Amount.open(1_000);

  private static Anvil anvil;
  private L1Contracts l1;
  private L2State l2;
  private Address l1User;
  private BigInteger inFlightWithdrawals;
  private BigInteger inFlightDeposits;

  @BeforeAll
  static void startAnvil() {
    anvil = TestAnvil.start();
  }

  @AfterAll
  static void stopAnvil() {
    anvil.close();
  }

  @BeforeEach
  void deploy() {
    l1 = new L1Contracts(anvil);
    l1User = L1Contracts.address(l1.user);
    l2 = new L2State();
    l2.block(s -> s.credit(ALICE, GENESIS));
    inFlightWithdrawals = BigInteger.ZERO;
    inFlightDeposits = BigInteger.ZERO;
    assertSupplyConserved();
  }

  private String portal() {
    return l1.deployment.portal();
  }

  private void assertSupplyConserved() {
    BigInteger l1Supply = l1.l1Supply();
    assertThat(
            l2.circulating().value().add(l1Supply).add(inFlightWithdrawals).add(inFlightDeposits))
        .as("L2 + L1 + in flight = genesis")
        .isEqualTo(GENESIS.value());
    assertThat(l1Supply)
        .as("L1 supply = withdrawn - deposited")
        .isEqualTo(
            l1.uint(portal(), "totalWithdrawn").subtract(l1.uint(portal(), "totalDeposited")));
  }

  /** Alice withdraws on L2; returns it. */
  private Withdrawal withdrawOnL2(Amount amount) {
    Withdrawal w = l2.withdraw(ALICE, l1User, amount);
    inFlightWithdrawals = inFlightWithdrawals.add(amount.value());
    assertSupplyConserved();
    return w;
  }

  /** The proposer posts the output of the L2's latest block; returns its index. */
  private BigInteger proposeLatest() {
    BigInteger index = l1.uint(l1.deployment.oracle(), "nextOutputIndex");
    l1.proposer.send(
        l1.deployment.oracle(), L1Abi.proposeL2Output(l2.output().hash(), l2.blockNumber()));
    return index;
  }

  private TransactionReceipt prove(Withdrawal w, BigInteger index) {
    return l1.user.send(portal(), L1Abi.proveWithdrawal(w, index, l2.output(), l2.proof(w)));
  }

  private TransactionReceipt finalizeWithdrawal(Withdrawal w) {
    TransactionReceipt r = l1.user.send(portal(), L1Abi.finalizeWithdrawal(w));
    inFlightWithdrawals = inFlightWithdrawals.subtract(w.amount().value());
    return r;
  }

  /** Moves {@code amount} from Alice on L2 to the L1 user, through the whole withdrawal path. */
  private void bringToL1(Amount amount) {
    Withdrawal w = withdrawOnL2(amount);
    prove(w, proposeLatest());
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD);
    finalizeWithdrawal(w);
    assertSupplyConserved();
  }

  @Test
  void withdrawalProvesAndFinalizesAfterTheChallengePeriod() {
    Withdrawal w = withdrawOnL2(Amount.open(400));
    assertThat(l2.balance(ALICE)).isEqualTo(Amount.open(600));
    BigInteger index = proposeLatest();

    TransactionReceipt proven = prove(w, index);
    assertThat(proven.getGasUsed().longValueExact()).isLessThan(110_000);
    Log log =
        L1Contracts.onlyLog(proven, portal(), "WithdrawalProven(bytes32,address,address,uint256)");
    assertThat(log.getTopics().get(1)).isEqualTo(w.hash().toHex());
    assertThat(L1Contracts.topicAddress(log, 2)).isEqualTo(ALICE);
    assertThat(L1Contracts.topicAddress(log, 3)).isEqualTo(l1User);
    assertThat(L1Contracts.dataWord(log, 0)).isEqualTo(index);
    assertSupplyConserved();

    assertThatThrownBy(() -> finalizeWithdrawal(w))
        .hasMessageContaining("Portal: challenge period of the proof not over");
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD - 10);
    assertThatThrownBy(() -> finalizeWithdrawal(w))
        .hasMessageContaining("Portal: challenge period of the proof not over");
    assertThat(l1.l1Balance(l1User)).isZero();

    anvil.advanceTime(10);
    TransactionReceipt finalized = finalizeWithdrawal(w);
    assertThat(finalized.getGasUsed().longValueExact()).isLessThan(150_000);
    Log done =
        L1Contracts.onlyLog(finalized, portal(), "WithdrawalFinalized(bytes32,address,uint256)");
    assertThat(done.getTopics().get(1)).isEqualTo(w.hash().toHex());
    assertThat(L1Contracts.dataWord(done, 0)).isEqualTo(Amount.open(400).value());
    assertThat(l1.l1Balance(l1User)).isEqualTo(Amount.open(400).value());
    assertThat(l1.l1Supply()).isEqualTo(Amount.open(400).value());
    assertThat(l1.uint(portal(), "totalWithdrawn")).isEqualTo(Amount.open(400).value());
    assertSupplyConserved();

    assertThatThrownBy(() -> finalizeWithdrawal(w))
        .hasMessageContaining("Portal: withdrawal already finalized");
    assertThatThrownBy(() -> prove(w, index))
        .hasMessageContaining("Portal: withdrawal already finalized");
    assertThat(l1.l1Balance(l1User)).isEqualTo(Amount.open(400).value());
  }

  @Test
  void depositBurnsOnL1AndEmitsTheEventTheL2Credits() {
    bringToL1(Amount.open(300));

    TransactionReceipt r = l1.user.send(portal(), L1Abi.deposit(BOB, Amount.open(120)));
    assertThat(r.getGasUsed().longValueExact()).isLessThan(100_000);
    inFlightDeposits = inFlightDeposits.add(Amount.open(120).value());
    Log log = L1Contracts.onlyLog(r, portal(), "DepositInitiated(uint256,address,address,uint256)");
    assertThat(L1Contracts.topicUint(log, 1)).isZero(); // the first deposit's nonce
    assertThat(L1Contracts.topicAddress(log, 2)).isEqualTo(l1User);
    assertThat(L1Contracts.topicAddress(log, 3)).isEqualTo(BOB);
    assertThat(L1Contracts.dataWord(log, 0)).isEqualTo(Amount.open(120).value());
    assertThat(l1.l1Balance(l1User)).isEqualTo(Amount.open(180).value());
    assertThat(l1.uint(portal(), "totalDeposited")).isEqualTo(Amount.open(120).value());
    assertThat(l1.uint(portal(), "depositNonce")).isOne();
    assertSupplyConserved();

    // the L2 derives the event into a credit (the later bridge module; here by hand)
    l2.block(s -> s.credit(BOB, Amount.open(120)));
    inFlightDeposits = BigInteger.ZERO;
    assertSupplyConserved();

    TransactionReceipt second = l1.user.send(portal(), L1Abi.deposit(BOB, Amount.of(1)));
    inFlightDeposits = inFlightDeposits.add(BigInteger.ONE);
    assertThat(
            L1Contracts.topicUint(
                L1Contracts.onlyLog(
                    second, portal(), "DepositInitiated(uint256,address,address,uint256)"),
                1))
        .isOne();
    assertSupplyConserved();
  }

  @Test
  void depositsBeyondTheBalanceOrOfNothingAreRefusedAndChangeNothing() {
    bringToL1(Amount.open(10));
    assertThatThrownBy(() -> l1.user.send(portal(), L1Abi.deposit(BOB, Amount.open(11))))
        .hasMessageContaining("0xe450d38c"); // OpenZeppelin's ERC20InsufficientBalance
    assertThatThrownBy(() -> l1.user.send(portal(), L1Abi.deposit(BOB, Amount.ZERO)))
        .hasMessageContaining("Portal: deposit of zero");
    assertThatThrownBy(() -> l1.user.send(portal(), L1Abi.deposit(Address.ZERO, Amount.open(1))))
        .hasMessageContaining("Portal: deposit to the zero address");
    assertThat(l1.l1Balance(l1User)).isEqualTo(Amount.open(10).value());
    assertThat(l1.uint(portal(), "depositNonce")).isZero();
    assertSupplyConserved();
  }

  @Test
  void onlyThePortalMintsOrBurnsL1Open() {
    bringToL1(Amount.open(5));
    String mint =
        org.web3j.abi.FunctionEncoder.encode(
            new org.web3j.abi.datatypes.Function(
                "mint",
                java.util.List.of(
                    new org.web3j.abi.datatypes.Address(l1User.toHex()),
                    new Uint256(Amount.open(1).value())),
                java.util.List.of()));
    String burn = mint.replaceFirst("^0x40c10f19", "0x9dc29fac"); // burn(address,uint256)
    assertThatThrownBy(() -> l1.user.send(l1.deployment.token(), mint))
        .hasMessageContaining("OpenToken: only the portal mints and burns");
    assertThatThrownBy(() -> l1.proposer.send(l1.deployment.token(), burn))
        .hasMessageContaining("OpenToken: only the portal mints and burns");
    assertThat(l1.l1Supply()).isEqualTo(Amount.open(5).value());
  }

  @Test
  void forgedWithdrawalsAreRefused() {
    Withdrawal w = withdrawOnL2(Amount.open(50));
    BigInteger index = proposeLatest();
    OutputRoot output = l2.output();
    byte[] proof = l2.proof(w);

    // wrong leaf: a bigger amount, another target, another nonce, with the real withdrawal's proof
    Withdrawal more = new Withdrawal(w.nonce(), ALICE, l1User, Amount.open(5_000));
    Withdrawal elsewhere =
        new Withdrawal(w.nonce(), ALICE, L1Contracts.address(l1.challenger), w.amount());
    Withdrawal replay = new Withdrawal(BigInteger.ONE, ALICE, l1User, w.amount());
    for (Withdrawal forged : new Withdrawal[] {more, elsewhere, replay}) {
      assertThatThrownBy(
              () -> l1.user.send(portal(), L1Abi.proveWithdrawal(forged, index, output, proof)))
          .hasMessageContaining("Portal: withdrawal not in the L2 state");
      // its own (exclusion) proof does not help either
      assertThatThrownBy(
              () ->
                  l1.user.send(
                      portal(), L1Abi.proveWithdrawal(forged, index, output, l2.proof(forged))))
          .hasMessageContaining("Portal: withdrawal not in the L2 state");
    }

    // wrong root: a state where the forged withdrawal is recorded, never posted by the proposer
    L2State fake = new L2State();
    fake.block(s -> s.credit(ALICE, GENESIS));
    Withdrawal fakeW = fake.withdraw(ALICE, l1User, Amount.open(900));
    assertThatThrownBy(
            () ->
                l1.user.send(
                    portal(),
                    L1Abi.proveWithdrawal(fakeW, index, fake.output(), fake.proof(fakeW))))
        .hasMessageContaining("Portal: output root proof mismatch");
    // ... nor the posted preimage with the fake state root swapped in
    OutputRoot swapped = new OutputRoot(fake.root(), output.withdrawalsRoot(), output.blockHash());
    assertThatThrownBy(
            () ->
                l1.user.send(
                    portal(), L1Abi.proveWithdrawal(fakeW, index, swapped, fake.proof(fakeW))))
        .hasMessageContaining("Portal: output root proof mismatch");

    // wrong output index: an output that does not exist, or another block's output
    assertThatThrownBy(
            () ->
                l1.user.send(
                    portal(), L1Abi.proveWithdrawal(w, index.add(BigInteger.ONE), output, proof)))
        .hasMessageContaining("OutputOracle: no output at that index");
    l2.block(s -> s.credit(BOB, Amount.ZERO)); // an empty block
    l2.block(s -> s.burn(ALICE, Amount.open(1)));
    BigInteger later = proposeLatest();
    inFlightWithdrawals = inFlightWithdrawals.add(Amount.open(1).value()); // burned, not bridged
    assertThatThrownBy(() -> l1.user.send(portal(), L1Abi.proveWithdrawal(w, later, output, proof)))
        .hasMessageContaining("Portal: output root proof mismatch");

    // a record that another module (which lets users pick slots) wrote is not a withdrawal
    Withdrawal planted = new Withdrawal(BigInteger.TEN, ALICE, l1User, Amount.open(999));
    l2.block(
        s ->
            s.putStorage(
                Address.fromHex("0x0000000000000000000000000000000000001002"),
                planted.slot(),
                Withdrawal.RECORD_VALUE));
    BigInteger withPlanted = proposeLatest();
    OutputRoot plantedOutput = l2.output();
    assertThatThrownBy(
            () ->
                l1.user.send(
                    portal(),
                    L1Abi.proveWithdrawal(planted, withPlanted, plantedOutput, l2.proof(planted))))
        .hasMessageContaining("Portal: withdrawal not in the L2 state");

    // tampered proof bytes: a flipped sibling bit
    byte[] tampered = proof.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(
            () -> l1.user.send(portal(), L1Abi.proveWithdrawal(w, index, output, tampered)))
        .hasMessageContaining("Portal: withdrawal not in the L2 state");
    assertThat(l1.uint(portal(), "totalWithdrawn")).isZero();

    // the honest proof still works, against the output it belongs to
    l1.user.send(portal(), L1Abi.proveWithdrawal(w, index, output, proof));
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD);
    finalizeWithdrawal(w);
    assertThat(l1.l1Balance(l1User)).isEqualTo(Amount.open(50).value());
    inFlightWithdrawals = inFlightWithdrawals.subtract(Amount.open(1).value());
    l2.block(s -> s.credit(ALICE, Amount.open(1))); // undo the stray burn for the invariant
    assertSupplyConserved();
  }

  @Test
  void aWithdrawalProvenLaterAgainstAnyLaterOutputFinalizes() {
    Withdrawal w = withdrawOnL2(Amount.open(7));
    proposeLatest();
    l2.block(s -> s.credit(BOB, Amount.ZERO));
    BigInteger later = proposeLatest();
    assertThat(l1.uint(l1.deployment.oracle(), "getL2OutputIndexAfter", new Uint256(0))).isZero();
    prove(w, later);
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD);
    finalizeWithdrawal(w);
    assertThat(l1.l1Balance(l1User)).isEqualTo(Amount.open(7).value());
    assertSupplyConserved();
  }

  @Test
  void provingTwiceIsRefusedUntilTheOutputIsDeleted() {
    Withdrawal w = withdrawOnL2(Amount.open(20));
    BigInteger index = proposeLatest();
    prove(w, index);
    assertThatThrownBy(() -> prove(w, index))
        .hasMessageContaining("Portal: withdrawal already proven against an output that stands");

    // the challenger deletes the output: the proof no longer finalizes
    l1.challenger.send(l1.deployment.oracle(), L1Abi.deleteL2Outputs(index.longValueExact()));
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD);
    assertThatThrownBy(() -> finalizeWithdrawal(w))
        .hasMessageContaining("Portal: the proven output was deleted; prove again");

    // the L2 moves on and the proposer posts the next block at that index: prove again, wait again
    l2.block(s -> s.credit(BOB, Amount.ZERO));
    BigInteger again = proposeLatest();
    assertThat(again).isEqualTo(index);
    assertThatThrownBy(() -> finalizeWithdrawal(w))
        .hasMessageContaining("Portal: the proven output was deleted; prove again");
    prove(w, again);
    assertThatThrownBy(() -> finalizeWithdrawal(w))
        .hasMessageContaining("Portal: challenge period of the proof not over");
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD);
    finalizeWithdrawal(w);
    assertThat(l1.l1Balance(l1User)).isEqualTo(Amount.open(20).value());
    assertSupplyConserved();
  }

  @Test
  void aReplacedOutputMustItselfOutliveTheChallengePeriod() {
    Withdrawal w = withdrawOnL2(Amount.open(2));
    BigInteger index = proposeLatest();
    prove(w, index);
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD - 100);
    l1.challenger.send(l1.deployment.oracle(), L1Abi.deleteL2Outputs(index.longValueExact()));
    proposeLatest(); // the same root again, posted now
    anvil.advanceTime(100); // the proof is old enough, the output is not
    assertThatThrownBy(() -> finalizeWithdrawal(w))
        .hasMessageContaining("Portal: challenge period of the output not over");
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD);
    finalizeWithdrawal(w);
    assertThat(l1.l1Balance(l1User)).isEqualTo(Amount.open(2).value());
    assertSupplyConserved();
  }

  @Test
  void aWithdrawalInAStateOfManyAccountsProvesForBoundedGas() {
    SplittableRandom random = new SplittableRandom(11);
    Amount each = Amount.of(1);
    int accounts = 20_000;
    l2.block(
        s -> {
          for (int i = 0; i < accounts; i++) {
            byte[] a = new byte[Address.SIZE];
            random.nextBytes(a);
            s.transfer(ALICE, Address.wrap(a), each); // genesis unchanged
          }
        });
    Withdrawal w = withdrawOnL2(Amount.open(1));
    BigInteger index = proposeLatest();
    byte[] proof = l2.proof(w);
    TransactionReceipt proven = prove(w, index);
    assertThat(((proof[66] & 0xff) << 8) | (proof[67] & 0xff)).isBetween(13, 20); // depth
    assertThat(proven.getGasUsed().longValueExact()).isLessThan(125_000);
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD);
    finalizeWithdrawal(w);
    assertThat(l1.l1Balance(l1User)).isEqualTo(Amount.open(1).value());
    assertSupplyConserved();
  }

  @Test
  void theL1AndJavaAgreeOnHashesAndKeys() {
    Withdrawal w = withdrawOnL2(Amount.open(3));
    OutputRoot o = l2.output();
    assertThat(l1.uint(portal(), "withdrawalStateKey", new Bytes32(w.hash().toArray())))
        .isEqualTo(new BigInteger(1, w.stateKey(L2State.BRIDGE).toArray()));
    assertThat(
            l1.uint(
                portal(),
                "hashWithdrawal",
                new StaticStruct(
                    new Uint256(w.nonce()),
                    new org.web3j.abi.datatypes.Address(w.sender().toHex()),
                    new org.web3j.abi.datatypes.Address(w.target().toHex()),
                    new Uint256(w.amount().value()))))
        .isEqualTo(new BigInteger(1, w.hash().toArray()));
    assertThat(
            l1.uint(
                portal(),
                "hashOutputRootProof",
                new StaticStruct(
                    new Bytes32(OutputRoot.VERSION_0.toArray()),
                    new Bytes32(o.stateRoot().toArray()),
                    new Bytes32(o.withdrawalsRoot().toArray()),
                    new Bytes32(o.blockHash().toArray()))))
        .isEqualTo(new BigInteger(1, o.hash().toArray()));
    assertThat(o.withdrawalsRoot())
        .isEqualTo(Hash.keccak256(Hash.ZERO.toArray(), w.hash().toArray()));
  }
}
