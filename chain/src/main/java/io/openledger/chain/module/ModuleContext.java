package io.openledger.chain.module;

import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.GasSchedule;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.Optional;

/**
 * What a module sees of the world during one call: who calls, in which block, the state (through
 * gas-charged accessors) and a log sink. One context per call; not shared between threads.
 */
public interface ModuleContext {

  /** The account that sent the transaction (Solidity's {@code msg.sender}). */
  Address caller();

  /** The module being called. */
  Address self();

  /** Number of the block being executed. */
  long blockNumber();

  /** Timestamp of the block being executed, seconds since the Unix epoch. */
  long blockTimestamp();

  /** True inside {@code eth_call}: writes are discarded afterwards (they still cost gas). */
  boolean simulation();

  /** The gas table prices come from. */
  GasSchedule gasSchedule();

  /**
   * Consumes gas from the call's remaining gas.
   *
   * @throws OutOfGasException when less than {@code gas} remains (the call reverts, all gas used)
   */
  void charge(long gas);

  /** Gas left for this call. */
  long gasRemaining();

  /**
   * The whole world state: balances, nonces and supply counters. Use it for money movements ({@link
   * WorldState#credit}, {@link WorldState#unlock} ...) after charging for them; for the module's
   * own storage prefer {@link #load}/{@link #store}, which charge by themselves.
   */
  WorldState state();

  /** Reads a slot of this module's storage, charging {@link GasSchedule#storageRead()}. */
  Optional<byte[]> load(byte[] slot);

  /**
   * Writes a slot of this module's storage, charging {@link GasSchedule#storageWriteCost(int)}; an
   * empty value deletes the slot (charging {@link GasSchedule#storageDelete()}).
   */
  void store(byte[] slot, byte[] value);

  /**
   * The block being executed: number, timestamp, base fee, gas limit, sequencer, and the hashes of
   * the 256 blocks before it ({@link BlockEnvironment#blockHash}).
   *
   * @throws UnsupportedOperationException where the context has no block (test fakes)
   */
  default BlockEnvironment block() {
    throw new UnsupportedOperationException("this context does not expose its block");
  }

  /** The chain's EIP-155 id. */
  default long chainId() {
    throw new UnsupportedOperationException("this context does not expose the chain id");
  }

  /**
   * Calls {@code target} as this module ({@code msg.sender} is {@link #self()}), moving {@code
   * value} from this module's balance, with the gas this call has left. A module target runs its
   * function (after {@link GasSchedule#moduleCallBase()}); an account target only receives the
   * value ({@link GasSchedule#balanceTransfer()}, or {@link GasSchedule#accountRead()} without
   * value), as an EVM call to an account without code. A failure there is an outcome, not a failure
   * here: its state changes and logs are undone and its revert data returned; running out of gas
   * still ends this call.
   *
   * @throws UnsupportedOperationException where the context cannot call (test fakes)
   */
  default CallOutcome call(Address target, byte[] calldata, Amount value) {
    throw new UnsupportedOperationException("this context cannot call other modules");
  }

  /**
   * The result of {@link #call}.
   *
   * @param returnData the return data on success, the revert data ({@code Error(string)}) else
   */
  record CallOutcome(boolean success, byte[] returnData) {}

  /**
   * Emits an Ethereum log from this module, charging {@link GasSchedule#logCost(int, int)}.
   *
   * @param topics topic0 = keccak of the event signature, then the indexed arguments (at most 4)
   * @param data ABI-encoded non-indexed arguments
   */
  void emit(List<Hash> topics, byte[] data);

  /** Emits {@code event} with these argument values (indexed ones become topics). */
  default void emit(AbiEvent event, Object... values) {
    AbiEvent.Encoded log = event.encode(values);
    emit(log.topics(), log.data());
  }
}
