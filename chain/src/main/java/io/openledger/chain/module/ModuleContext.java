package io.openledger.chain.module;

import io.openledger.chain.exec.GasSchedule;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
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
   * Emits an Ethereum log from this module, charging {@link GasSchedule#logCost(int, int)}.
   *
   * @param topics topic0 = keccak of the event signature, then the indexed arguments (at most 4)
   * @param data ABI-encoded non-indexed arguments
   */
  void emit(List<Hash> topics, byte[] data);
}
