package io.openledger.chain.multicall;

import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleContext.CallOutcome;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Multicall3 as a system module at its canonical address {@code
 * 0xcA11bde05977b3631167028862bE2a173976CA11}, with Multicall3's ABI, so that viem's {@code
 * multicall}, wagmi's batched reads and ethers' multicall providers work unchanged: many calls to
 * modules (and transfers to accounts) in one {@code eth_call} or transaction, plus the block and
 * balance getters. Calls run as Multicall3 ({@code msg.sender} of each is this address), one after
 * the other, on the gas of the whole call; a failed call's changes are undone.
 *
 * <p>It follows Multicall3's code (github.com/mds1/multicall): the same revert reasons ({@code
 * "Multicall3: call failed"}, {@code "Multicall3: value mismatch"}), the aggregates payable, {@code
 * blockAndAggregate}'s block hash being that of the current block (zero, as the EVM's {@code
 * BLOCKHASH(block.number)}), OPEN sent to an aggregate other than {@code aggregate3Value} staying
 * at this address. A sequencer chain has no difficulty: {@code getCurrentBlockDifficulty} is 0.
 *
 * <p>Solidity interface: {@code contracts/IMulticall3.sol}; ABI: {@code
 * modules/Multicall3.abi.json}. It keeps no storage.
 */
public final class Multicall3Module implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.MULTICALL3;
  public static final String NAME = "multicall3";

  private static final String CALLS = "(address,bytes)[]";
  private static final String RESULTS = "(bool,bytes)[]";

  public static final AbiFunction AGGREGATE =
      AbiFunction.payable("aggregate(" + CALLS + ")", "uint256,bytes[]");
  public static final AbiFunction AGGREGATE3 =
      AbiFunction.payable("aggregate3((address,bool,bytes)[])", RESULTS);
  public static final AbiFunction AGGREGATE3_VALUE =
      AbiFunction.payable("aggregate3Value((address,bool,uint256,bytes)[])", RESULTS);
  public static final AbiFunction BLOCK_AND_AGGREGATE =
      AbiFunction.payable("blockAndAggregate(" + CALLS + ")", "uint256,bytes32," + RESULTS);
  public static final AbiFunction GET_BASEFEE = AbiFunction.of("getBasefee()", "uint256", true);
  public static final AbiFunction GET_BLOCK_HASH =
      AbiFunction.of("getBlockHash(uint256)", "bytes32", true);
  public static final AbiFunction GET_BLOCK_NUMBER =
      AbiFunction.of("getBlockNumber()", "uint256", true);
  public static final AbiFunction GET_CHAIN_ID = AbiFunction.of("getChainId()", "uint256", true);
  public static final AbiFunction GET_CURRENT_BLOCK_COINBASE =
      AbiFunction.of("getCurrentBlockCoinbase()", "address", true);
  public static final AbiFunction GET_CURRENT_BLOCK_DIFFICULTY =
      AbiFunction.of("getCurrentBlockDifficulty()", "uint256", true);
  public static final AbiFunction GET_CURRENT_BLOCK_GAS_LIMIT =
      AbiFunction.of("getCurrentBlockGasLimit()", "uint256", true);
  public static final AbiFunction GET_CURRENT_BLOCK_TIMESTAMP =
      AbiFunction.of("getCurrentBlockTimestamp()", "uint256", true);
  public static final AbiFunction GET_ETH_BALANCE =
      AbiFunction.of("getEthBalance(address)", "uint256", true);
  public static final AbiFunction GET_LAST_BLOCK_HASH =
      AbiFunction.of("getLastBlockHash()", "bytes32", true);
  public static final AbiFunction TRY_AGGREGATE =
      AbiFunction.payable("tryAggregate(bool," + CALLS + ")", RESULTS);
  public static final AbiFunction TRY_BLOCK_AND_AGGREGATE =
      AbiFunction.payable("tryBlockAndAggregate(bool," + CALLS + ")", "uint256,bytes32," + RESULTS);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          AGGREGATE,
          AGGREGATE3,
          AGGREGATE3_VALUE,
          BLOCK_AND_AGGREGATE,
          GET_BASEFEE,
          GET_BLOCK_HASH,
          GET_BLOCK_NUMBER,
          GET_CHAIN_ID,
          GET_CURRENT_BLOCK_COINBASE,
          GET_CURRENT_BLOCK_DIFFICULTY,
          GET_CURRENT_BLOCK_GAS_LIMIT,
          GET_CURRENT_BLOCK_TIMESTAMP,
          GET_ETH_BALANCE,
          GET_LAST_BLOCK_HASH,
          TRY_AGGREGATE,
          TRY_BLOCK_AND_AGGREGATE);

  /** Multicall3 has no events. */
  public static final List<AbiEvent> EVENTS = List.of();

  /** Multicall3's reason when a call that may not fail fails. */
  public static final String CALL_FAILED = "Multicall3: call failed";

  /** Multicall3's reason when {@code aggregate3Value}'s values do not add up to the call's. */
  public static final String VALUE_MISMATCH = "Multicall3: value mismatch";

  public Multicall3Module() {}

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Multicall3.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    return run(ctx, f, f.decodeArguments(calldata), value);
  }

  private static byte[] run(ModuleContext ctx, AbiFunction f, List<Object> args, Amount value) {
    BlockEnvironment block = ctx.block();
    BigInteger number = BigInteger.valueOf(block.number());
    if (f == AGGREGATE) {
      List<Object> returnData = new ArrayList<>();
      for (Call c : calls(args.get(0))) {
        returnData.add(required(ctx.call(c.target(), c.data(), Amount.ZERO), true).returnData());
      }
      return f.encodeResult(number, returnData);
    }
    if (f == TRY_AGGREGATE || f == TRY_BLOCK_AND_AGGREGATE || f == BLOCK_AND_AGGREGATE) {
      boolean requireSuccess = f == BLOCK_AND_AGGREGATE || (Boolean) args.get(0);
      List<Object> results = new ArrayList<>();
      for (Call c : calls(args.get(f == BLOCK_AND_AGGREGATE ? 0 : 1))) {
        results.add(result(required(ctx.call(c.target(), c.data(), Amount.ZERO), requireSuccess)));
      }
      if (f == TRY_AGGREGATE) {
        return f.encodeResult(results);
      }
      // blockhash(block.number): the current block's hash is not known while it runs: zero.
      return f.encodeResult(number, block.blockHash(block.number()).toArray(), results);
    }
    if (f == AGGREGATE3 || f == AGGREGATE3_VALUE) {
      boolean withValue = f == AGGREGATE3_VALUE;
      BigInteger sent = BigInteger.ZERO;
      List<Object> results = new ArrayList<>();
      for (Object o : (List<?>) args.get(0)) {
        List<?> t = (List<?>) o;
        Address target = (Address) t.get(0);
        boolean allowFailure = (Boolean) t.get(1);
        BigInteger v = withValue ? (BigInteger) t.get(2) : BigInteger.ZERO;
        byte[] data = (byte[]) t.get(withValue ? 3 : 2);
        sent = sent.add(v);
        results.add(result(required(ctx.call(target, data, Amount.of(v)), !allowFailure)));
      }
      if (withValue && !sent.equals(value.value())) {
        throw new ModuleRevert(VALUE_MISMATCH);
      }
      return f.encodeResult(results);
    }
    return f.encodeResult(getter(ctx, f, args, block));
  }

  private static Object getter(
      ModuleContext ctx, AbiFunction f, List<Object> args, BlockEnvironment block) {
    if (f == GET_ETH_BALANCE) {
      ctx.charge(ctx.gasSchedule().accountRead());
      return ctx.state().balance((Address) args.get(0)).value();
    }
    if (f == GET_BLOCK_HASH) {
      ctx.charge(ctx.gasSchedule().storageRead());
      BigInteger n = (BigInteger) args.get(0);
      return (n.bitLength() < 63 ? block.blockHash(n.longValue()) : Hash.ZERO).toArray();
    }
    if (f == GET_LAST_BLOCK_HASH) {
      return block.blockHash(block.number() - 1).toArray();
    }
    if (f == GET_BLOCK_NUMBER) {
      return BigInteger.valueOf(block.number());
    }
    if (f == GET_CURRENT_BLOCK_TIMESTAMP) {
      return BigInteger.valueOf(block.timestamp());
    }
    if (f == GET_BASEFEE) {
      return block.baseFee().value();
    }
    if (f == GET_CHAIN_ID) {
      return BigInteger.valueOf(ctx.chainId());
    }
    if (f == GET_CURRENT_BLOCK_COINBASE) {
      return block.sequencer();
    }
    if (f == GET_CURRENT_BLOCK_GAS_LIMIT) {
      return BigInteger.valueOf(block.gasLimit());
    }
    if (f == GET_CURRENT_BLOCK_DIFFICULTY) {
      return BigInteger.ZERO;
    }
    throw new IllegalStateException("no getter for " + f.signature());
  }

  private record Call(Address target, byte[] data) {}

  private static List<Call> calls(Object arg) {
    List<Call> out = new ArrayList<>();
    for (Object o : (List<?>) arg) {
      List<?> t = (List<?>) o;
      out.add(new Call((Address) t.get(0), (byte[]) t.get(1)));
    }
    return out;
  }

  private static CallOutcome required(CallOutcome outcome, boolean mustSucceed) {
    if (mustSucceed && !outcome.success()) {
      throw new ModuleRevert(CALL_FAILED);
    }
    return outcome;
  }

  private static List<Object> result(CallOutcome outcome) {
    return List.of(outcome.success(), outcome.returnData());
  }
}
