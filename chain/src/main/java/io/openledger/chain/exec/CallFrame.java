package io.openledger.chain.exec;

import io.openledger.chain.block.Log;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.OutOfGasException;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@link ModuleContext} of one module call: meters gas and collects logs. */
final class CallFrame implements ModuleContext {
  private final Address caller;
  private final Address self;
  private final BlockEnvironment env;
  private final boolean simulation;
  private final GasSchedule gas;
  private final WorldState state;
  private final List<Log> logs = new ArrayList<>();
  private long gasRemaining;

  CallFrame(
      Address caller,
      Address self,
      BlockEnvironment env,
      boolean simulation,
      GasSchedule gas,
      WorldState state,
      long gasAvailable) {
    this.caller = caller;
    this.self = self;
    this.env = env;
    this.simulation = simulation;
    this.gas = gas;
    this.state = state;
    this.gasRemaining = gasAvailable;
  }

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
    return env.number();
  }

  @Override
  public long blockTimestamp() {
    return env.timestamp();
  }

  @Override
  public boolean simulation() {
    return simulation;
  }

  @Override
  public GasSchedule gasSchedule() {
    return gas;
  }

  @Override
  public void charge(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("negative gas charge: " + amount);
    }
    if (amount > gasRemaining) {
      long remaining = gasRemaining;
      gasRemaining = 0;
      throw new OutOfGasException(amount, remaining);
    }
    gasRemaining -= amount;
  }

  @Override
  public long gasRemaining() {
    return gasRemaining;
  }

  @Override
  public WorldState state() {
    return state;
  }

  @Override
  public Optional<byte[]> load(byte[] slot) {
    charge(gas.storageRead());
    return state.storage(self, slot);
  }

  @Override
  public void store(byte[] slot, byte[] value) {
    if (value.length == 0) {
      charge(gas.storageDelete());
      state.deleteStorage(self, slot);
    } else {
      charge(gas.storageWriteCost(value.length));
      state.putStorage(self, slot, value);
    }
  }

  @Override
  public void emit(List<Hash> topics, byte[] data) {
    charge(gas.logCost(topics.size(), data.length));
    logs.add(new Log(self, topics, data));
  }

  List<Log> logs() {
    return logs;
  }
}
