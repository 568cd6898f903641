package io.openledger.chain.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.InvalidReason;
import io.openledger.chain.exec.ReplayResult;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.tx.DecodeResult;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionDecoder;
import io.openledger.chain.tx.TransactionType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deposits in blocks: a deposit transaction (type 0x7e) from the system sender credits the next L1
 * deposit ahead of every signed transaction, replays from the stored block, and is refused out of
 * order, twice, after a signed transaction, from any other sender, or over the RPC.
 */
class DepositTransactionTest {
  private final TestChain chain = TestChain.devnet();
  private final KeyPair alice = TestChain.dev(0);
  private final Address l1User = Address.fromHex("0x00000000000000000000000000000000000a11ce");
  private final Address bob = Address.fromHex("0x000000000000000000000000000000000000b0b0");

  @BeforeEach
  void withdrawFirst() {
    ExecutedBlock b =
        chain.produce(
            List.of(
                chain.call(
                    alice,
                    BridgeModule.ADDRESS,
                    Amount.open(10),
                    BridgeModule.WITHDRAW.encodeCall(l1User),
                    200_000,
                    0)));
    assertThat(b.receipts().getFirst().success()).isTrue();
  }

  private Transaction deposit(long nonce, Amount amount) {
    return new Deposit(nonce, l1User, bob, amount).toTransaction();
  }

  @Test
  void aDepositIsCreditedFirstInTheBlockAndReplays() {
    BlockHeader parent = chain.head();
    Transaction transfer = chain.transfer(alice, bob, Amount.open(1), 1);
    ExecutedBlock b = chain.produce(List.of(deposit(0, Amount.open(4)), transfer));
    assertThat(b.skipped()).isEmpty();
    assertThat(b.block().transactions()).hasSize(2);
    Receipt r = b.receipts().getFirst();
    assertThat(r.success()).isTrue();
    assertThat(r.type()).isEqualTo(TransactionType.DEPOSIT);
    assertThat(r.gasUsed()).isZero();
    assertThat(r.logs().getFirst().topics().getFirst())
        .isEqualTo(BridgeModule.DEPOSIT_FINALIZED.topic());
    StateReader s = chain.state();
    assertThat(s.balance(bob)).isEqualTo(Amount.open(5));
    assertThat(BridgeModule.depositNonce(s)).isEqualTo(1);
    assertThat(s.supply().bridged()).isEqualTo(Amount.open(6));
    assertThat(SupplyAudit.check(s)).isEmpty();
    assertThat(BridgeModule.audit(s)).isEmpty();

    // the stored block's transactions decode back and re-execute to the same header
    List<Transaction> stored =
        b.block().transactions().stream()
            .map(tx -> TransactionDecoder.decodeStored(tx.encode()))
            .toList();
    assertThat(stored).isEqualTo(b.block().transactions());
    assertThat(stored.getFirst().hash()).isEqualTo(deposit(0, Amount.open(4)).hash());
    ReplayResult replay = chain.executor.replay(parent, b.block());
    assertThat(replay.matches()).as("%s", replay).isTrue();
  }

  @Test
  void aDepositTwiceOutOfOrderOrAfterASignedTransactionIsSkipped() {
    chain.produce(List.of(deposit(0, Amount.open(4))));
    ExecutedBlock b =
        chain.produce(
            List.of(
                deposit(0, Amount.open(4)),
                deposit(2, Amount.open(1)),
                chain.transfer(alice, bob, Amount.open(1), 1),
                deposit(1, Amount.open(1))));
    assertThat(b.block().transactions()).hasSize(1);
    assertThat(b.skipped())
        .extracting(sk -> sk.reason().reason(), sk -> sk.reason().message())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                InvalidReason.INVALID_DEPOSIT, "bridge: deposit 0 was already credited"),
            org.assertj.core.groups.Tuple.tuple(
                InvalidReason.INVALID_DEPOSIT,
                "bridge: deposit 2 out of order: deposit 1 comes first"),
            org.assertj.core.groups.Tuple.tuple(
                InvalidReason.INVALID_DEPOSIT, "a deposit after a signed transaction"));
    assertThat(BridgeModule.depositNonce(chain.state())).isEqualTo(1);
    assertThat(chain.state().balance(bob)).isEqualTo(Amount.open(5));
  }

  @Test
  void onlyAReservedSenderThatIsNoModuleMakesDeposits() {
    byte[] data = new Deposit(0, l1User, bob, Amount.open(1)).calldata();
    ExecutedBlock b =
        chain.produce(
            List.of(
                new DepositTransaction(alice.address(), BridgeModule.ADDRESS, 100_000, data),
                new DepositTransaction(BridgeModule.ADDRESS, BridgeModule.ADDRESS, 100_000, data),
                new DepositTransaction(
                    Address.fromHex("0x00000000000000000000000000000000000010fe"),
                    BridgeModule.ADDRESS,
                    100_000,
                    data)));
    assertThat(b.block().transactions()).isEmpty();
    assertThat(b.skipped())
        .extracting(sk -> sk.reason().message())
        .containsExactly(
            "deposit sender " + alice.address() + " is not a reserved system sender",
            "deposit sender " + BridgeModule.ADDRESS + " is not a reserved system sender",
            "bridge: only the system credits deposits (sender "
                + "0x00000000000000000000000000000000000010ff)");
  }

  @Test
  void theRpcRefusesDepositTransactions() {
    DecodeResult d =
        TransactionDecoder.decode(deposit(0, Amount.open(1)).encode(), chain.chainId());
    assertThat(d).isEqualTo(new DecodeResult.Invalid("transaction type not supported"));
  }
}
