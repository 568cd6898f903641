package io.openledger.chain.module;

import io.openledger.chain.exec.GasSchedule;
import io.openledger.chain.exec.GasScheduleV1;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One call of a module made directly on a {@link WorldState}, as any caller: how a module's tests
 * reach functions that only another module may call (no key signs for {@code 0x…1007}). Gas is
 * metered from {@link GasScheduleV1} without a limit; a revert undoes the call's changes, as the
 * executor does, and is rethrown.
 */
public final class DirectCall implements ModuleContext {
  /** A log the call emitted. */
  public record Emitted(List<Hash> topics, byte[] data) {}

  private final WorldState state;
  private final Address caller;
  private final Address self;
  private final long blockNumber;
  private final long timestamp;
  private final List<Emitted> logs = new ArrayList<>();
  private long gasUsed;

  private DirectCall(
      WorldState state, Address caller, Address self, long blockNumber, long timestamp) {
    this.state = state;
    this.caller = caller;
    this.self = self;
    this.blockNumber = blockNumber;
    this.timestamp = timestamp;
  }

  /**
   * Calls {@code module} as {@code caller} with no value, in a block at {@code timestamp}.
   *
   * @return the call, whose {@link #returnData}, {@link #logs} and {@link #gasUsed} tell what it
   *     did
   * @throws ModuleRevert as the module reverted; {@code state} is as before the call
   */
  public static Result run(
      SystemModule module,
      WorldState state,
      Address caller,
      long blockNumber,
      long timestamp,
      byte[] calldata) {
    return run(module, state, caller, blockNumber, timestamp, calldata, Amount.ZERO);
  }

  /**
   * As {@link #run(SystemModule, WorldState, Address, long, long, byte[])}, sending {@code value}:
   * moved from {@code caller} to the module before the call, as the executor does (and back on a
   * revert).
   */
  public static Result run(
      SystemModule module,
      WorldState state,
      Address caller,
      long blockNumber,
      long timestamp,
      byte[] calldata,
      Amount value) {
    DirectCall ctx = new DirectCall(state, caller, module.address(), blockNumber, timestamp);
    int checkpoint = state.checkpoint();
    try {
      state.transfer(caller, module.address(), value);
      byte[] out = module.call(ctx, calldata, value);
      return new Result(out, List.copyOf(ctx.logs), ctx.gasUsed);
    } catch (RuntimeException e) {
      state.revertTo(checkpoint);
      throw e;
    }
  }

  /** What a call returned, emitted and cost. */
  public record Result(byte[] returnData, List<Emitted> logs, long gasUsed) {}

  @Override
  public Address caller() {
    return caller;
  }

  @Override
  public Address self() {
    return self;
  }

  @Override
  public long blockNumber() {
    return blockNumber;
  }

  @Override
  public long blockTimestamp() {
    return timestamp;
  }

  @Override
  public boolean simulation() {
    return false;
  }

  @Override
  public GasSchedule gasSchedule() {
    return GasScheduleV1.INSTANCE;
  }

  @Override
  public void charge(long gas) {
    gasUsed = Math.addExact(gasUsed, gas);
  }

  @Override
  public long gasRemaining() {
    return Long.MAX_VALUE - gasUsed;
  }

  @Override
  public WorldState state() {
    return state;
  }

  @Override
  public Optional<byte[]> load(byte[] slot) {
    charge(gasSchedule().storageRead());
    return state.storage(self, slot);
  }

  @Override
  public void store(byte[] slot, byte[] value) {
    if (value.length == 0) {
      charge(gasSchedule().storageDelete());
      state.deleteStorage(self, slot);
    } else {
      charge(gasSchedule().storageWriteCost(value.length));
      state.putStorage(self, slot, value);
    }
  }

  @Override
  public void emit(List<Hash> topics, byte[] data) {
    logs.add(new Emitted(List.copyOf(topics), data.clone()));
  }
}
