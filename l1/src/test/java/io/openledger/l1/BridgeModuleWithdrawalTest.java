package io.openledger.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.bridge.Deposit;
import io.openledger.chain.bridge.WithdrawalRecord;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.Supply;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A withdrawal made through the L2 bridge module on a real L2 chain (devnet genesis, the chain's
 * executor) is proven on L1 against an output root built from that block's state root, the module's
 * withdrawals root and the block hash, and finalized after the challenge period: the OPEN is minted
 * to the target on L1, and L2 OPEN + L1 OPEN + OPEN in flight is the genesis supply at every step.
 */
class BridgeModuleWithdrawalTest {
  private static Anvil anvil;

  @BeforeAll
  static void startAnvil() {
    anvil = TestAnvil.start();
  }

  @AfterAll
  static void stopAnvil() {
    anvil.close();
  }

  /** L2 supply (balances, locked, burned) + L1 supply + withdrawn on L2 but not yet on L1. */
  private static void assertSupplyConserved(L1Contracts l1, StateReader l2) {
    Supply s = l2.supply();
    BigInteger l1Supply = l1.l1Supply();
    BigInteger inFlight = s.bridged().value().subtract(l1Supply);
    assertThat(inFlight.signum()).isNotNegative();
    assertThat(s.balances().add(s.locked()).add(s.burned()).value().add(l1Supply).add(inFlight))
        .isEqualTo(Supply.TOTAL.value());
    assertThat(BridgeModule.audit(l2)).isEmpty();
  }

  @Test
  void aWithdrawalThroughTheModuleIsProvenAndFinalizedOnL1() {
    L1Contracts l1 = new L1Contracts(anvil);
    assertThat(L2State.BRIDGE).isEqualTo(BridgeModule.ADDRESS);
    L2Chain l2 = new L2Chain();
    KeyPair alice = L2Chain.dev(0);
    Address target = L1Contracts.address(l1.user);
    Amount amount = Amount.open(400);

    l2.produce(); // an empty block first, so the withdrawal is not in block 1
    ExecutedBlock b = l2.produce(l2.withdrawal(alice, target, amount));
    assertThat(b.receipts().getFirst().success())
        .as("%s", b.results().getFirst().revertReason())
        .isTrue();
    StateReader state = l2.state();
    assertSupplyConserved(l1, state);

    // the module's record is the Portal's withdrawal
    Withdrawal w = new Withdrawal(BigInteger.ZERO, alice.address(), target, amount);
    assertThat(w.hash()).isEqualTo(new WithdrawalRecord(0, alice.address(), target, amount).hash());
    assertThat(state.storage(BridgeModule.ADDRESS, w.slot())).hasValue(Withdrawal.RECORD_VALUE);
    assertThat(BridgeModule.withdrawalsRoot(state))
        .isEqualTo(w.chain(io.openledger.chain.types.Hash.ZERO));

    // the proposer posts the block's output root
    BlockHeader h = b.block().header();
    OutputRoot output =
        new OutputRoot(h.stateRoot(), BridgeModule.withdrawalsRoot(state), b.block().hash());
    BigInteger index = l1.uint(l1.deployment.oracle(), "nextOutputIndex");
    l1.proposer.send(l1.deployment.oracle(), L1Abi.proposeL2Output(output.hash(), h.number()));

    // eth_getProof's bytes for the withdrawal's slot at that block
    byte[] proof = l2.states.storageProof(h.stateRoot(), BridgeModule.ADDRESS, w.slot()).encode();
    String portal = l1.deployment.portal();

    // a forged amount does not prove
    Withdrawal forged = new Withdrawal(BigInteger.ZERO, alice.address(), target, Amount.open(401));
    assertThatThrownBy(
            () -> l1.user.send(portal, L1Abi.proveWithdrawal(forged, index, output, proof)))
        .hasMessageContaining("Portal: withdrawal not in the L2 state");

    TransactionReceipt proven =
        l1.user.send(portal, L1Abi.proveWithdrawal(w, index, output, proof));
    assertThat(proven.isStatusOK()).isTrue();
    assertThatThrownBy(() -> l1.user.send(portal, L1Abi.finalizeWithdrawal(w)))
        .hasMessageContaining("Portal: challenge period of the proof not over");
    assertSupplyConserved(l1, state);

    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD);
    l1.user.send(portal, L1Abi.finalizeWithdrawal(w));
    assertThat(l1.l1Balance(target)).isEqualTo(amount.value());
    assertThat(l1.l1Supply()).isEqualTo(state.supply().bridged().value());
    assertSupplyConserved(l1, state);
    assertThatThrownBy(() -> l1.user.send(portal, L1Abi.finalizeWithdrawal(w)))
        .hasMessageContaining("Portal: withdrawal already finalized");

    // back to the L2: deposits are read once final, in nonce order, from the L2's cursor
    Address bob = L2Chain.dev(5).address();
    PortalDeposits deposits = new PortalDeposits(anvil.web3j(), portal, 0, 2);
    l1.user.send(portal, L1Abi.deposit(bob, Amount.open(100)));
    l1.user.send(portal, L1Abi.deposit(alice.address(), Amount.open(50)));
    assertThat(deposits.finalDeposits(0, 10)).as("not final yet").isEmpty();
    anvil.rpc("evm_mine", java.util.List.of());
    assertThat(deposits.finalDeposits(0, 10))
        .extracting(PortalDeposits.L1Deposit::deposit)
        .containsExactly(new Deposit(0, target, bob, Amount.open(100)));
    anvil.rpc("evm_mine", java.util.List.of());
    assertThat(deposits.finalDeposits(0, 10))
        .extracting(PortalDeposits.L1Deposit::deposit)
        .containsExactly(
            new Deposit(0, target, bob, Amount.open(100)),
            new Deposit(1, target, alice.address(), Amount.open(50)));
    assertThat(deposits.finalDeposits(1, 10))
        .extracting(d -> d.deposit().nonce())
        .containsExactly(1L);
    assertThat(deposits.finalDeposits(0, 1)).hasSize(1);
    assertThat(deposits.finalDeposits(2, 10)).isEmpty();
    assertThat(l1.l1Supply()).isEqualTo(Amount.open(250).value());
  }
}
