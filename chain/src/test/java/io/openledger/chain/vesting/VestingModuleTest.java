package io.openledger.chain.vesting;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.Call;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.SimulationResult;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.module.Abi;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The vesting module through real transactions, blocks and eth_call. */
class VestingModuleTest {
  private static final long T0 = TestChain.GENESIS_TIME;
  private final TestChain chain = TestChain.devnet();
  private final KeyPair demo = TestChain.dev(1); // 10,000 OPEN, cliff 60 s, then 600 s linear

  private ExecutedBlock at(long time, Transaction... txs) {
    BlockEnvironment e = chain.next(time - chain.head().timestamp());
    return chain.produce(e, List.of(txs));
  }

  private Transaction claim(long nonce, long gas) {
    return chain.call(
        demo, VestingModule.ADDRESS, Amount.ZERO, VestingModule.CLAIM.encodeCall(), gas, nonce);
  }

  @Test
  void claimBeforeTheCliffRevertsButPaysGasAndUsesTheNonce() {
    StateReader before = chain.state();
    ExecutedBlock b = at(T0 + 30, claim(0, 100_000));
    Receipt r = b.receipts().getFirst();
    assertThat(r.success()).isFalse();
    assertThat(r.logs()).isEmpty();
    assertThat(b.results().getFirst().revertReason())
        .contains("vesting: cliff not reached (vesting starts at " + (T0 + 60) + ")");
    assertThat(Abi.decodeError(b.results().getFirst().returnData()))
        .contains("vesting: cliff not reached (vesting starts at " + (T0 + 60) + ")");
    assertThat(r.gasUsed()).isGreaterThan(21_000 + 2_600 + 16).isLessThan(100_000);

    StateReader after = chain.state();
    Amount fee = r.effectiveGasPrice().multiply(r.gasUsed());
    assertThat(after.balance(demo.address()))
        .isEqualTo(before.balance(demo.address()).subtract(fee));
    assertThat(after.nonce(demo.address())).isEqualTo(1);
    assertThat(VestingModule.read(after, demo.address()))
        .isEqualTo(VestingModule.read(before, demo.address()));
    assertThat(after.supply().locked()).isEqualTo(before.supply().locked());
    assertThat(SupplyAudit.check(after)).isEmpty();
  }

  @Test
  void claimMovesWhatVestedFromLockedToTheBalanceWithAClaimedLog() {
    StateReader before = chain.state();
    ExecutedBlock b = at(T0 + 60 + 150, claim(0, 100_000)); // a quarter of 600 s
    Receipt r = b.receipts().getFirst();
    assertThat(r.success()).isTrue();
    // the worked example of docs/gas.md
    assertThat(io.openledger.chain.types.Bytes.toHex(VestingModule.CLAIM.selector()))
        .isEqualTo("0x4e71d92d");
    assertThat(r.gasUsed()).isEqualTo(57_556);
    Amount quarter = Amount.open(2_500);
    StateReader after = chain.state();
    Amount fee = r.effectiveGasPrice().multiply(r.gasUsed());
    assertThat(after.balance(demo.address()))
        .isEqualTo(before.balance(demo.address()).add(quarter).subtract(fee));
    assertThat(after.supply().locked()).isEqualTo(before.supply().locked().subtract(quarter));
    assertThat(VestingModule.read(after, demo.address()).orElseThrow().claimed())
        .isEqualTo(quarter);
    assertThat(VestingModule.CLAIM.decodeResult(b.results().getFirst().returnData()))
        .containsExactly(quarter.value());

    Log log = r.logs().getFirst();
    assertThat(log.address()).isEqualTo(VestingModule.ADDRESS);
    assertThat(log.topics())
        .containsExactly(
            Hash.keccak256(
                "Claimed(address,uint256)".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            Hash.wrap(
                Abi.encode(
                    List.of(io.openledger.chain.module.AbiType.ADDRESS), List.of(demo.address()))));
    assertThat(new BigInteger(1, log.data())).isEqualTo(quarter.value());
    assertThat(b.block().header().logsBloom().mayContain(VestingModule.ADDRESS)).isTrue();
    assertThat(SupplyAudit.check(after)).isEmpty();

    // same time again: nothing more to claim
    ExecutedBlock again = at(T0 + 60 + 150, claim(1, 100_000));
    assertThat(again.results().getFirst().revertReason()).contains("vesting: nothing to claim");

    // after the end: the rest
    ExecutedBlock end = at(T0 + 10_000, claim(2, 100_000));
    assertThat(end.receipts().getFirst().success()).isTrue();
    assertThat(VestingModule.read(chain.state(), demo.address()).orElseThrow().locked())
        .isEqualTo(Amount.ZERO);
    assertThat(chain.state().supply().locked())
        .isEqualTo(before.supply().locked().subtract(Amount.open(10_000)));
  }

  @Test
  void callsWithoutAScheduleValueOrAKnownSelectorRevertAndChangeNothing() {
    KeyPair stranger = TestChain.dev(3);
    ExecutedBlock b =
        at(
            T0 + 1_000,
            chain.call(
                stranger,
                VestingModule.ADDRESS,
                Amount.ZERO,
                VestingModule.CLAIM.encodeCall(),
                100_000,
                0),
            chain.call(
                demo,
                VestingModule.ADDRESS,
                Amount.open(1),
                VestingModule.CLAIM.encodeCall(),
                100_000,
                0),
            chain.call(
                stranger,
                VestingModule.ADDRESS,
                Amount.ZERO,
                new byte[] {0x12, 0x34, 0x56, 0x78},
                100_000,
                1),
            chain.call(
                stranger,
                VestingModule.ADDRESS,
                Amount.ZERO,
                java.util.Arrays.copyOf(VestingModule.VESTED.encodeCall(demo.address()), 20),
                100_000,
                2));
    assertThat(b.results())
        .extracting(r -> r.revertReason().orElse("success"))
        .containsExactly(
            "vesting: no schedule for caller",
            "vesting: claim is not payable",
            "vesting: unknown function selector 0x12345678",
            "vesting: malformed ABI data: data too short");
    StateReader s = chain.state();
    // the value sent with the non-payable call came back; only fees were paid
    Amount demoFee =
        b.receipts().get(1).effectiveGasPrice().multiply(b.receipts().get(1).gasUsed());
    assertThat(s.balance(demo.address())).isEqualTo(Amount.open(100_000).subtract(demoFee));
    assertThat(s.balance(VestingModule.ADDRESS)).isEqualTo(Amount.ZERO);
    assertThat(SupplyAudit.check(s)).isEmpty();
  }

  @Test
  void outOfGasUsesAllGasAndRevertsTheClaim() {
    long justAboveIntrinsic = 21_000 + 2_600 + 16 + 5_000;
    ExecutedBlock b = at(T0 + 1_000, claim(0, justAboveIntrinsic));
    Receipt r = b.receipts().getFirst();
    assertThat(r.success()).isFalse();
    assertThat(r.gasUsed()).isEqualTo(justAboveIntrinsic);
    assertThat(b.results().getFirst().revertReason()).contains("out of gas");
    assertThat(VestingModule.read(chain.state(), demo.address()).orElseThrow().claimed())
        .isEqualTo(Amount.ZERO);
  }

  @Test
  void viewsThroughEthCallAndExactEstimateGas() {
    chain.produce(List.of());
    Hash root = chain.head().stateRoot();
    BlockEnvironment env = chain.next(0);
    long now = env.timestamp();
    Address who = demo.address();
    Amount vested = VestingModule.read(chain.state(), who).orElseThrow().vestedAt(now);

    assertThat(
            uint(
                chain.simulator.call(
                    root,
                    env,
                    Call.of(null, VestingModule.ADDRESS, VestingModule.VESTED.encodeCall(who)))))
        .isEqualTo(vested.value());
    assertThat(
            uint(
                chain.simulator.call(
                    root,
                    env,
                    Call.of(
                        null,
                        VestingModule.ADDRESS,
                        VestingModule.VESTED_AT.encodeCall(who, BigInteger.valueOf(T0 + 360))))))
        .isEqualTo(Amount.open(5_000).value());
    assertThat(
            uint(
                chain.simulator.call(
                    root,
                    env,
                    Call.of(null, VestingModule.ADDRESS, VestingModule.LOCKED_OF.encodeCall(who)))))
        .isEqualTo(Amount.open(10_000).value());
    assertThat(
            uint(
                chain.simulator.call(
                    root,
                    env,
                    Call.of(null, VestingModule.ADDRESS, VestingModule.TOTAL_LOCKED.encodeCall()))))
        .isEqualTo(chain.state().supply().locked().value());
    SimulationResult sched =
        chain.simulator.call(
            root,
            env,
            Call.of(null, VestingModule.ADDRESS, VestingModule.SCHEDULE.encodeCall(who)));
    assertThat(VestingModule.SCHEDULE.decodeResult(((SimulationResult.Success) sched).returnData()))
        .containsExactly(
            Amount.open(10_000).value(),
            BigInteger.valueOf(T0),
            BigInteger.valueOf(60),
            BigInteger.valueOf(600),
            BigInteger.ZERO);

    // eth_call of claim() succeeds, reports a Claimed log, and writes nothing
    SimulationResult sim =
        chain.simulator.call(
            root,
            chain.next(1_000),
            Call.of(who, VestingModule.ADDRESS, VestingModule.CLAIM.encodeCall()));
    assertThat(sim).isInstanceOf(SimulationResult.Success.class);
    assertThat(((SimulationResult.Success) sim).logs()).hasSize(1);
    assertThat(VestingModule.read(chain.states.at(root), who).orElseThrow().claimed())
        .isEqualTo(Amount.ZERO);

    // a reverting eth_call reports the reason and revert data
    SimulationResult rev =
        chain.simulator.call(
            root,
            env,
            Call.of(
                TestChain.dev(5).address(),
                VestingModule.ADDRESS,
                VestingModule.CLAIM.encodeCall()));
    assertThat(rev).isInstanceOf(SimulationResult.Reverted.class);
    assertThat(((SimulationResult.Reverted) rev).reason())
        .isEqualTo("vesting: no schedule for caller");

    // estimateGas is exact: the estimate succeeds on chain, one gas less runs out
    SimulationResult est =
        chain.simulator.estimateGas(
            root,
            chain.next(1_000),
            Call.of(who, VestingModule.ADDRESS, VestingModule.CLAIM.encodeCall()));
    long gas = ((SimulationResult.Success) est).gasUsed();
    ExecutedBlock tight = at(chain.head().timestamp() + 1_000, claim(0, gas - 1));
    assertThat(tight.receipts().getFirst().success()).isFalse();
    ExecutedBlock exact = at(chain.head().timestamp() + 1, claim(1, gas));
    assertThat(exact.receipts().getFirst().success()).isTrue();
    assertThat(exact.receipts().getFirst().gasUsed()).isEqualTo(gas);
  }

  @Test
  void estimateGasForATransferIs21000AndReportsInsufficientFunds() {
    Hash root = chain.head().stateRoot();
    BlockEnvironment env = chain.next(2);
    Address poor = Address.fromHex("0x00000000000000000000000000000000000000ff");
    SimulationResult ok =
        chain.simulator.estimateGas(
            root,
            env,
            new Call(demo.address(), poor, null, null, null, null, Amount.open(1), null));
    assertThat(((SimulationResult.Success) ok).gasUsed()).isEqualTo(21_000);
    SimulationResult broke =
        chain.simulator.call(
            root,
            env,
            new Call(poor, demo.address(), null, null, null, null, Amount.open(1), null));
    assertThat(((SimulationResult.Invalid) broke).message())
        .isEqualTo(
            "insufficient funds for gas * price + value: address "
                + io.openledger.chain.exec.Eip55.format(poor)
                + " have 0 want 1000000000000000000");
  }

  @Test
  void estimateGasFromAnUnfundedAccountWithAPriceSaysInsufficientFundsAsGeth() {
    Hash root = chain.head().stateRoot();
    BlockEnvironment env = chain.next(2);
    Address poor = Address.fromHex("0x00000000000000000000000000000000000000ff");
    Amount gwei = Amount.of(1_000_000_000L);
    // A fee field from a zero-balance account: geth's estimator refuses before running anything.
    SimulationResult noFunds =
        chain.simulator.estimateGas(
            root, env, new Call(poor, demo.address(), null, null, gwei, gwei, null, null));
    assertThat(((SimulationResult.Invalid) noFunds).message())
        .isEqualTo("insufficient funds for transfer");
    // Some OPEN, but not the 21,000 gas at the price.
    Address little = demo.address();
    SimulationResult shortOfGas =
        chain.simulator.estimateGas(
            root,
            env,
            new Call(
                little,
                poor,
                null,
                null,
                Amount.of(Amount.MAX_VALUE).divide(21_000),
                null,
                Amount.of(1),
                null));
    assertThat(((SimulationResult.Invalid) shortOfGas).message())
        .startsWith(
            "insufficient funds for gas * price + value: address "
                + io.openledger.chain.exec.Eip55.format(little)
                + " have ");
    // Without a price nothing is needed for gas, as in geth.
    SimulationResult free =
        chain.simulator.estimateGas(
            root, env, new Call(poor, demo.address(), null, null, null, null, null, null));
    assertThat(((SimulationResult.Success) free).gasUsed()).isEqualTo(21_000);
  }

  private static BigInteger uint(SimulationResult r) {
    return (BigInteger)
        Abi.decode(
                List.of(io.openledger.chain.module.AbiType.UINT256),
                ((SimulationResult.Success) r).returnData())
            .getFirst();
  }
}
