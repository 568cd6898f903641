package io.openledger.chain.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.module.DirectCall;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.state.StateKeys;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.Supply;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bridge module through real transactions and blocks; deposits through the system sender. */
class BridgeModuleTest {
  private final TestChain chain = TestChain.devnet();
  private final KeyPair alice = TestChain.dev(0);
  private final Address l1Target = Address.fromHex("0x00000000000000000000000000000000000a11ce");

  private ExecutedBlock withdraw(KeyPair from, Address target, Amount value, long nonce) {
    return chain.produce(
        List.of(
            chain.call(
                from,
                BridgeModule.ADDRESS,
                value,
                BridgeModule.WITHDRAW.encodeCall(target),
                200_000,
                nonce)));
  }

  private static void assertSupplyHolds(StateReader s) {
    assertThat(SupplyAudit.check(s)).isEmpty();
    assertThat(BridgeModule.audit(s)).isEmpty();
    // L2 supply + withdrawn - deposited = genesis supply
    Supply supply = s.supply();
    assertThat(
            supply
                .balances()
                .add(supply.locked())
                .add(supply.burned())
                .add(BridgeModule.totalWithdrawn(s))
                .subtract(BridgeModule.totalDeposited(s)))
        .isEqualTo(Supply.TOTAL);
  }

  @Test
  void withdrawTakesTheValueOffTheL2AndRecordsItWhereThePortalProvesIt() {
    StateReader before = chain.state();
    Amount amount = Amount.open(25);
    ExecutedBlock b = withdraw(alice, l1Target, amount, 0);
    Receipt r = b.receipts().getFirst();
    assertThat(r.success()).as("%s", b.results().getFirst().revertReason()).isTrue();
    StateReader after = chain.state();

    Amount fee = r.effectiveGasPrice().multiply(r.gasUsed());
    assertThat(after.balance(alice.address()))
        .isEqualTo(before.balance(alice.address()).subtract(amount).subtract(fee));
    assertThat(after.balance(BridgeModule.ADDRESS)).isEqualTo(Amount.ZERO);
    assertThat(after.supply().bridged()).isEqualTo(amount);
    assertThat(after.supply().burned()).isEqualTo(before.supply().burned());
    assertSupplyHolds(after);

    // the record: slot keccak256(abi.encode(0, alice, target, amount)) = 0x01
    byte[] encoded =
        Bytes.fromHex(
            "0000000000000000000000000000000000000000000000000000000000000000"
                + "000000000000000000000000"
                + alice.address().toHex().substring(2)
                + "000000000000000000000000"
                + l1Target.toHex().substring(2)
                + Bytes.toHex(amount.toBytes32()).substring(2));
    Hash hash = Hash.keccak256(encoded);
    WithdrawalRecord w = new WithdrawalRecord(0, alice.address(), l1Target, amount);
    assertThat(w.hash()).isEqualTo(hash);
    assertThat(after.storage(BridgeModule.ADDRESS, hash.toArray())).hasValue(new byte[] {1});
    assertThat(BridgeModule.recorded(after, w)).isTrue();
    assertThat(BridgeModule.withdrawalNonce(after)).isEqualTo(1);
    assertThat(BridgeModule.withdrawalsRoot(after))
        .isEqualTo(Hash.keccak256(Hash.ZERO.toArray(), hash.toArray()));
    assertThat(after.storage(BridgeModule.ADDRESS, "withdrawalNonce".getBytes()))
        .hasValueSatisfying(v -> assertThat(new BigInteger(1, v)).isEqualTo(BigInteger.ONE));
    assertThat(after.storage(BridgeModule.ADDRESS, "withdrawalsRoot".getBytes()))
        .hasValue(BridgeModule.withdrawalsRoot(after).toArray());

    // the log
    Log log = r.logs().getFirst();
    assertThat(log.address()).isEqualTo(BridgeModule.ADDRESS);
    assertThat(log.topics())
        .containsExactly(
            BridgeModule.WITHDRAWAL_INITIATED.topic(),
            Hash.ZERO,
            topicOf(alice.address()),
            topicOf(l1Target));
    assertThat(Bytes.toHex(log.data()))
        .isEqualTo(
            Bytes.toHex(amount.toBytes32())
                + hash.toHex().substring(2)
                + BridgeModule.withdrawalsRoot(after).toHex().substring(2));
  }

  @Test
  void theWithdrawalsRootChainsEveryWithdrawalInNonceOrder() {
    Hash root = Hash.ZERO;
    for (int i = 0; i < 3; i++) {
      Amount amount = Amount.open(1 + i);
      assertThat(withdraw(alice, l1Target, amount, i).receipts().getFirst().success()).isTrue();
      WithdrawalRecord w = new WithdrawalRecord(i, alice.address(), l1Target, amount);
      root = w.chain(root);
      assertThat(BridgeModule.recorded(chain.state(), w)).isTrue();
    }
    StateReader s = chain.state();
    assertThat(BridgeModule.withdrawalNonce(s)).isEqualTo(3);
    assertThat(BridgeModule.withdrawalsRoot(s)).isEqualTo(root);
    assertThat(BridgeModule.totalWithdrawn(s)).isEqualTo(Amount.open(6));
    assertThat(s.supply().bridged()).isEqualTo(Amount.open(6));
    assertSupplyHolds(s);
  }

  @Test
  void withdrawRefusesZeroAndTheZeroTargetAndChangesNothingButTheFee() {
    StateReader before = chain.state();
    ExecutedBlock zero = withdraw(alice, l1Target, Amount.ZERO, 0);
    assertThat(zero.results().getFirst().revertReason()).contains("bridge: withdrawal of zero");
    ExecutedBlock toZero = withdraw(alice, Address.ZERO, Amount.open(1), 1);
    assertThat(toZero.results().getFirst().revertReason())
        .contains("bridge: withdrawal to the zero address");
    StateReader after = chain.state();
    assertThat(BridgeModule.withdrawalNonce(after)).isZero();
    assertThat(BridgeModule.withdrawalsRoot(after)).isEqualTo(Hash.ZERO);
    assertThat(after.supply().bridged()).isEqualTo(Amount.ZERO);
    Amount fees = feeOf(zero.receipts().getFirst()).add(feeOf(toZero.receipts().getFirst()));
    assertThat(after.balance(alice.address()))
        .isEqualTo(before.balance(alice.address()).subtract(fees));
    assertSupplyHolds(after);
  }

  @Test
  void finalizeDepositFromAnAccountIsRefused() {
    withdraw(alice, l1Target, Amount.open(5), 0);
    Deposit d = new Deposit(0, l1Target, alice.address(), Amount.open(5));
    ExecutedBlock b =
        chain.produce(
            List.of(
                chain.call(alice, BridgeModule.ADDRESS, Amount.ZERO, d.calldata(), 200_000, 1)));
    assertThat(b.results().getFirst().revertReason())
        .contains(
            "bridge: only the system credits deposits (sender "
                + "0x00000000000000000000000000000000000010ff)");
    assertThat(BridgeModule.depositNonce(chain.state())).isZero();
  }

  @Test
  void depositsAreCreditedInNonceOrderExactlyOnce() {
    withdraw(alice, l1Target, Amount.open(10), 0);
    WorldState s = chain.states.open(chain.head().stateRoot(), chain.head().number());
    Address bob = Address.fromHex("0x000000000000000000000000000000000000b0b0");

    assertThatThrownBy(() -> credit(s, new Deposit(1, l1Target, bob, Amount.open(1))))
        .isInstanceOf(ModuleRevert.class)
        .hasMessageContaining("bridge: deposit 1 out of order: deposit 0 comes first");

    DirectCall.Result r = credit(s, new Deposit(0, l1Target, bob, Amount.open(3)));
    assertThat(s.balance(bob)).isEqualTo(Amount.open(3));
    assertThat(BridgeModule.depositNonce(s)).isEqualTo(1);
    assertThat(r.logs().getFirst().topics())
        .containsExactly(
            BridgeModule.DEPOSIT_FINALIZED.topic(), Hash.ZERO, topicOf(l1Target), topicOf(bob));
    assertSupplyHolds(s);

    assertThatThrownBy(() -> credit(s, new Deposit(0, l1Target, bob, Amount.open(3))))
        .hasMessageContaining("bridge: deposit 0 was already credited");
    assertThatThrownBy(() -> credit(s, new Deposit(1, l1Target, Address.ZERO, Amount.open(1))))
        .hasMessageContaining("bridge: deposit to the zero address");
    assertThatThrownBy(() -> credit(s, new Deposit(1, l1Target, bob, Amount.ZERO)))
        .hasMessageContaining("bridge: deposit of zero");
    assertThatThrownBy(() -> credit(s, new Deposit(1, l1Target, bob, Amount.open(8))))
        .hasMessageContaining("bridge: deposit of " + Amount.open(8) + " exceeds the OPEN bridged");
    assertThat(s.balance(bob)).isEqualTo(Amount.open(3));
    assertThat(BridgeModule.depositNonce(s)).isEqualTo(1);

    credit(s, new Deposit(1, l1Target, bob, Amount.open(7)));
    assertThat(s.balance(bob)).isEqualTo(Amount.open(10));
    assertThat(s.supply().bridged()).isEqualTo(Amount.ZERO);
    assertThat(BridgeModule.totalDeposited(s)).isEqualTo(Amount.open(10));
    assertSupplyHolds(s);
  }

  @Test
  void supplyIsConservedThroughRandomWithdrawalsAndDeposits() {
    SplittableRandom rnd = new SplittableRandom(1010);
    KeyPair[] keys = {TestChain.dev(0), TestChain.dev(2), TestChain.dev(3)};
    long[] nonces = new long[keys.length];
    for (int round = 0; round < 20; round++) {
      int k = rnd.nextInt(keys.length);
      Amount amount = Amount.of(BigInteger.valueOf(rnd.nextLong(1, 1_000_000_000_000_000L)));
      assertThat(withdraw(keys[k], l1Target, amount, nonces[k]++).receipts().getFirst().success())
          .isTrue();
      assertSupplyHolds(chain.state());
    }
    WorldState s = chain.states.open(chain.head().stateRoot(), chain.head().number());
    long depositNonce = 0;
    while (!s.supply().bridged().isZero()) {
      Amount bridged = s.supply().bridged();
      Amount back =
          rnd.nextInt(4) == 0
              ? bridged
              : Amount.of(
                  bridged
                      .value()
                      .divide(BigInteger.valueOf(rnd.nextInt(2, 5)))
                      .max(BigInteger.ONE));
      Address to = keys[rnd.nextInt(keys.length)].address();
      Amount was = s.balance(to);
      credit(s, new Deposit(depositNonce++, l1Target, to, back));
      assertThat(s.balance(to)).isEqualTo(was.add(back));
      assertSupplyHolds(s);
    }
    assertThat(BridgeModule.totalDeposited(s)).isEqualTo(BridgeModule.totalWithdrawn(s));
  }

  @Test
  void theBridgedCounterHasItsOwnStateKey() {
    assertThat(StateKeys.BRIDGED)
        .isEqualTo(
            Hash.keccak256(Bytes.fromHex("0x03" + Bytes.toHex("bridged".getBytes()).substring(2))));
  }

  private static DirectCall.Result credit(WorldState s, Deposit d) {
    return DirectCall.run(
        new BridgeModule(),
        s,
        BridgeModule.SYSTEM_SENDER,
        10,
        TestChain.GENESIS_TIME + 20,
        d.calldata());
  }

  private static Hash topicOf(Address a) {
    byte[] word = new byte[32];
    System.arraycopy(a.toArray(), 0, word, 12, Address.SIZE);
    return Hash.wrap(word);
  }

  private static Amount feeOf(Receipt r) {
    return r.effectiveGasPrice().multiply(r.gasUsed());
  }
}
