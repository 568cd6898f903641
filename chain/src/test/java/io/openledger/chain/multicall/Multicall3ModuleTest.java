package io.openledger.chain.multicall;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Receipt;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.Call;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.SimulationResult;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.chain.vesting.VestingModule;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Multicall3 through eth_call and real transactions on the devnet genesis. */
class Multicall3ModuleTest {
  private final TestChain chain = TestChain.devnet();
  private final KeyPair demo = TestChain.dev(1); // a vesting schedule
  private final Address m3 = Multicall3Module.ADDRESS;

  @Test
  void selectorsAreMulticall3s() {
    // The method identifiers of forge-std's IMulticall3 (solc 0.8.20), as Multicall3 publishes
    // them.
    Map<String, String> published = new TreeMap<>();
    published.put("aggregate((address,bytes)[])", "0x252dba42");
    published.put("aggregate3((address,bool,bytes)[])", "0x82ad56cb");
    published.put("aggregate3Value((address,bool,uint256,bytes)[])", "0x174dea71");
    published.put("blockAndAggregate((address,bytes)[])", "0xc3077fa9");
    published.put("getBasefee()", "0x3e64a696");
    published.put("getBlockHash(uint256)", "0xee82ac5e");
    published.put("getBlockNumber()", "0x42cbb15c");
    published.put("getChainId()", "0x3408e470");
    published.put("getCurrentBlockCoinbase()", "0xa8b0574e");
    published.put("getCurrentBlockDifficulty()", "0x72425d9d");
    published.put("getCurrentBlockGasLimit()", "0x86d516e8");
    published.put("getCurrentBlockTimestamp()", "0x0f28c97d");
    published.put("getEthBalance(address)", "0x4d2301cc");
    published.put("getLastBlockHash()", "0x27e86d6e");
    published.put("tryAggregate(bool,(address,bytes)[])", "0xbce38bd7");
    published.put("tryBlockAndAggregate(bool,(address,bytes)[])", "0x399542e9");
    Map<String, String> ours = new TreeMap<>();
    for (AbiFunction f : Multicall3Module.FUNCTIONS) {
      ours.put(f.signature(), Bytes.toHex(f.selector()));
    }
    assertThat(ours).isEqualTo(published);
    assertThat(m3.toHex()).isEqualTo("0xca11bde05977b3631167028862be2a173976ca11");
  }

  private SimulationResult call(byte[] data) {
    return chain.simulator.call(
        chain.head().stateRoot(), chain.next(2), Call.of(demo.address(), m3, data));
  }

  private static List<Object> decoded(AbiFunction f, SimulationResult r) {
    assertThat(r).isInstanceOf(SimulationResult.Success.class);
    return f.decodeResult(((SimulationResult.Success) r).returnData());
  }

  private byte[] direct(Address to, byte[] data) {
    SimulationResult r =
        chain.simulator.call(
            chain.head().stateRoot(), chain.next(2), Call.of(demo.address(), to, data));
    return ((SimulationResult.Success) r).returnData();
  }

  @Test
  void aggregate3ReturnsEachCallsResultAndTheFailuresItAllows() {
    byte[] claimable = VestingModule.CLAIMABLE.encodeCall(demo.address());
    byte[] balance = Multicall3Module.GET_ETH_BALANCE.encodeCall(demo.address());
    // claim() runs as Multicall3, which has no schedule: that call fails, the others do not.
    byte[] claim = VestingModule.CLAIM.encodeCall();
    List<Object> results =
        decoded(
            Multicall3Module.AGGREGATE3,
            call(
                Multicall3Module.AGGREGATE3.encodeCall(
                    List.of(
                        List.of(VestingModule.ADDRESS, false, claimable),
                        List.of(m3, false, balance),
                        List.of(VestingModule.ADDRESS, true, claim)))));
    List<?> rows = (List<?>) results.getFirst();
    assertThat(rows).hasSize(3);
    assertThat(((List<?>) rows.get(0)).get(0)).isEqualTo(true);
    assertThat((byte[]) ((List<?>) rows.get(0)).get(1))
        .isEqualTo(direct(VestingModule.ADDRESS, claimable));
    assertThat((byte[]) ((List<?>) rows.get(1)).get(1))
        .isEqualTo(
            Multicall3Module.GET_ETH_BALANCE.encodeResult(
                chain.state().balance(demo.address()).value()));
    assertThat(((List<?>) rows.get(2)).get(0)).isEqualTo(false);
    assertThat(Abi.decodeError((byte[]) ((List<?>) rows.get(2)).get(1)))
        .contains("vesting: no schedule for caller");

    // The same failure not allowed reverts the whole call, with Multicall3's reason.
    SimulationResult strict =
        call(
            Multicall3Module.AGGREGATE3.encodeCall(
                List.of(List.of(VestingModule.ADDRESS, false, claim))));
    assertThat(((SimulationResult.Reverted) strict).reason()).isEqualTo("Multicall3: call failed");
  }

  @Test
  void aggregateAndTheTryVariantsFollowMulticall3() {
    byte[] total = VestingModule.TOTAL_LOCKED.encodeCall();
    byte[] claim = VestingModule.CLAIM.encodeCall();
    List<Object> agg =
        decoded(
            Multicall3Module.AGGREGATE,
            call(
                Multicall3Module.AGGREGATE.encodeCall(
                    List.of(List.of(VestingModule.ADDRESS, total)))));
    BlockEnvironment env = chain.next(2);
    assertThat(agg.get(0)).isEqualTo(BigInteger.valueOf(env.number()));
    assertThat((byte[]) ((List<?>) agg.get(1)).getFirst())
        .isEqualTo(direct(VestingModule.ADDRESS, total));
    assertThat(
            ((SimulationResult.Reverted)
                    call(
                        Multicall3Module.AGGREGATE.encodeCall(
                            List.of(List.of(VestingModule.ADDRESS, claim)))))
                .reason())
        .isEqualTo("Multicall3: call failed");

    List<Object> tried =
        decoded(
            Multicall3Module.TRY_BLOCK_AND_AGGREGATE,
            call(
                Multicall3Module.TRY_BLOCK_AND_AGGREGATE.encodeCall(
                    false, List.of(List.of(VestingModule.ADDRESS, claim)))));
    assertThat(tried.get(0)).isEqualTo(BigInteger.valueOf(env.number()));
    // blockhash(block.number): zero while the block runs, as in the EVM.
    assertThat((byte[]) tried.get(1)).isEqualTo(new byte[32]);
    assertThat(((List<?>) ((List<?>) tried.get(2)).getFirst()).get(0)).isEqualTo(false);
    assertThat(
            ((SimulationResult.Reverted)
                    call(
                        Multicall3Module.BLOCK_AND_AGGREGATE.encodeCall(
                            List.of(List.of(VestingModule.ADDRESS, claim)))))
                .reason())
        .isEqualTo("Multicall3: call failed");
    List<Object> tryAggregate =
        decoded(
            Multicall3Module.TRY_AGGREGATE,
            call(
                Multicall3Module.TRY_AGGREGATE.encodeCall(
                    false, List.of(List.of(VestingModule.ADDRESS, total)))));
    assertThat(((List<?>) ((List<?>) tryAggregate.getFirst()).getFirst()).get(0)).isEqualTo(true);
  }

  @Test
  void gettersReadTheBlockTheCallRunsIn() {
    chain.produce(List.of());
    chain.produce(List.of());
    Hash block1 = chain.headBlock().block().header().parentHash();
    Hash block2 = chain.head().hash();
    BlockEnvironment env =
        chain.next(5).withHistory(n -> n == 1 ? Optional.of(block1) : Optional.<Hash>empty());
    Amount price = Amount.of(10_000_000_000L);
    java.util.function.Function<byte[], byte[]> run =
        data ->
            ((SimulationResult.Success)
                    chain.simulator.call(
                        chain.head().stateRoot(),
                        env,
                        new Call(demo.address(), m3, null, null, price, Amount.ZERO, null, data)))
                .returnData();
    assertThat(uint(run.apply(Multicall3Module.GET_BLOCK_NUMBER.encodeCall()))).isEqualTo(3);
    assertThat(uint(run.apply(Multicall3Module.GET_CURRENT_BLOCK_TIMESTAMP.encodeCall())))
        .isEqualTo(env.timestamp());
    assertThat(uint(run.apply(Multicall3Module.GET_CURRENT_BLOCK_GAS_LIMIT.encodeCall())))
        .isEqualTo(env.gasLimit());
    assertThat(uint(run.apply(Multicall3Module.GET_CHAIN_ID.encodeCall()))).isEqualTo(1337);
    assertThat(uint(run.apply(Multicall3Module.GET_CURRENT_BLOCK_DIFFICULTY.encodeCall())))
        .isZero();
    assertThat(new BigInteger(1, run.apply(Multicall3Module.GET_BASEFEE.encodeCall())))
        .isEqualTo(env.baseFee().value());
    assertThat(
            Multicall3Module.GET_CURRENT_BLOCK_COINBASE
                .decodeResult(run.apply(Multicall3Module.GET_CURRENT_BLOCK_COINBASE.encodeCall()))
                .getFirst())
        .isEqualTo(env.sequencer());
    assertThat(run.apply(Multicall3Module.GET_LAST_BLOCK_HASH.encodeCall()))
        .isEqualTo(block2.toArray());
    assertThat(run.apply(Multicall3Module.GET_BLOCK_HASH.encodeCall(BigInteger.ONE)))
        .isEqualTo(block1.toArray());
    assertThat(run.apply(Multicall3Module.GET_BLOCK_HASH.encodeCall(BigInteger.TWO)))
        .isEqualTo(block2.toArray());
    // The current block and later ones have no hash yet; nor has a number beyond 2^63.
    assertThat(run.apply(Multicall3Module.GET_BLOCK_HASH.encodeCall(BigInteger.valueOf(3))))
        .isEqualTo(new byte[32]);
    assertThat(run.apply(Multicall3Module.GET_BLOCK_HASH.encodeCall(BigInteger.ONE.shiftLeft(200))))
        .isEqualTo(new byte[32]);
  }

  private static long uint(byte[] word) {
    return new BigInteger(1, word).longValueExact();
  }

  @Test
  void aggregate3ValueSendsEachItsValueInATransaction() {
    KeyPair payer = TestChain.dev(0);
    Address a = Address.ofLowBytes(0xa1);
    Address b = Address.ofLowBytes(0xb2);
    byte[] data =
        Multicall3Module.AGGREGATE3_VALUE.encodeCall(
            List.of(
                List.of(a, false, Amount.open(1).value(), new byte[0]),
                List.of(b, false, Amount.open(2).value(), new byte[0])));
    StateReader before = chain.state();
    ExecutedBlock ok =
        chain.produce(List.of(chain.call(payer, m3, Amount.open(3), data, 200_000, 0)));
    Receipt r = ok.receipts().getFirst();
    assertThat(r.success()).isTrue();
    StateReader after = chain.state();
    assertThat(after.balance(a)).isEqualTo(Amount.open(1));
    assertThat(after.balance(b)).isEqualTo(Amount.open(2));
    assertThat(after.balance(m3)).isEqualTo(Amount.ZERO);
    assertThat(after.balance(payer.address()))
        .isEqualTo(
            before
                .balance(payer.address())
                .subtract(Amount.open(3))
                .subtract(r.effectiveGasPrice().multiply(r.gasUsed())));
    // 21,000 + calldata + 2,600 (entry) + 2 x 9,000 (sending OPEN) + return data.
    assertThat(r.gasUsed()).isGreaterThan(21_000 + 2_600 + 18_000).isLessThan(50_000);
    assertThat(SupplyAudit.check(after)).isEmpty();

    // Values that do not add up to the call's: reverted, everything undone but the fee.
    ExecutedBlock mismatch =
        chain.produce(List.of(chain.call(payer, m3, Amount.open(4), data, 200_000, 1)));
    assertThat(mismatch.receipts().getFirst().success()).isFalse();
    assertThat(mismatch.results().getFirst().revertReason()).contains("Multicall3: value mismatch");
    assertThat(chain.state().balance(a)).isEqualTo(Amount.open(1));
    assertThat(chain.state().balance(m3)).isEqualTo(Amount.ZERO);
    assertThat(SupplyAudit.check(chain.state())).isEmpty();
  }

  @Test
  void viewsAreNotPayableAndUnknownSelectorsRevert() {
    SimulationResult paid =
        chain.simulator.call(
            chain.head().stateRoot(),
            chain.next(2),
            new Call(
                TestChain.dev(0).address(),
                m3,
                null,
                null,
                null,
                null,
                Amount.of(1),
                Multicall3Module.GET_BLOCK_NUMBER.encodeCall()));
    assertThat(((SimulationResult.Reverted) paid).reason())
        .isEqualTo("multicall3: getBlockNumber is not payable");
    assertThat(((SimulationResult.Reverted) call(new byte[] {1, 2, 3, 4})).reason())
        .isEqualTo("multicall3: unknown function selector 0x01020304");
  }

  @Test
  void nestedMulticallsStopAtTheDepthLimit() {
    byte[] inner = Multicall3Module.GET_BLOCK_NUMBER.encodeCall();
    for (int i = 0; i < 20; i++) {
      inner = Multicall3Module.AGGREGATE3.encodeCall(List.of(List.of(m3, true, inner)));
    }
    List<Object> out = decoded(Multicall3Module.AGGREGATE3, call(inner));
    // Somewhere down the nest a call failed with the depth limit, and that failure was allowed.
    byte[] data = (byte[]) ((List<?>) ((List<?>) out.getFirst()).getFirst()).get(1);
    String text = new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(text).contains("call depth exceeded (16)");
  }
}
