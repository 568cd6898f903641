package io.openledger.chain.exec;

import io.openledger.chain.block.Log;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiDecodingException;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.OutOfGasException;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.state.InsufficientBalanceException;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@link ModuleContext} of one module call: meters gas and collects logs. */
final class CallFrame implements ModuleContext {
  /** Deepest nesting of module calls calling modules (the EVM allows 1,024; modules need few). */
  static final int MAX_DEPTH = 16;

  private final Address caller;
  private final Address self;
  private final BlockEnvironment env;
  private final boolean simulation;
  private final ProtocolRules rules;
  private final GasSchedule gas;
  private final WorldState state;
  private final int depth;
  private final List<Log> logs = new ArrayList<>();
  private long gasRemaining;

  CallFrame(
      Address caller,
      Address self,
      BlockEnvironment env,
      boolean simulation,
      ProtocolRules rules,
      WorldState state,
      long gasAvailable,
      int depth) {
    this.caller = caller;
    this.self = self;
    this.env = env;
    this.simulation = simulation;
    this.rules = rules;
    this.gas = rules.gasSchedule();
    this.state = state;
    this.gasRemaining = gasAvailable;
    this.depth = depth;
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
  public BlockEnvironment block() {
    return env;
  }

  @Override
  public long chainId() {
    return rules.chainId();
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

  @Override
  public CallOutcome call(Address target, byte[] calldata, Amount value) {
    Optional<SystemModule> module = rules.modules().get(target);
    if (module.isEmpty()) {
      charge(value.isZero() ? gas.accountRead() : gas.balanceTransfer());
      int checkpoint = state.checkpoint();
      try {
        state.transfer(self, target, value);
        return new CallOutcome(true, new byte[0]);
      } catch (InsufficientBalanceException e) {
        state.revertTo(checkpoint);
        return failed(e.getMessage());
      }
    }
    charge(gas.moduleCallBase());
    if (depth + 1 >= MAX_DEPTH) {
      return failed("call depth exceeded (" + MAX_DEPTH + ")");
    }
    int checkpoint = state.checkpoint();
    CallFrame inner =
        new CallFrame(self, target, env, simulation, rules, state, gasRemaining, depth + 1);
    try {
      state.transfer(self, target, value);
      byte[] out = module.get().call(inner, calldata, value);
      inner.charge(gas.returnDataWord() * ((out.length + 31) / 32));
      logs.addAll(inner.logs);
      return new CallOutcome(true, out);
    } catch (OutOfGasException e) {
      // The inner call had all the gas this one had left: this one cannot go on either.
      state.revertTo(checkpoint);
      throw e;
    } catch (ModuleRevert e) {
      state.revertTo(checkpoint);
      return failed(e.reason());
    } catch (AbiDecodingException | InsufficientBalanceException | ArithmeticException e) {
      state.revertTo(checkpoint);
      return failed(module.get().name() + ": " + e.getMessage());
    } finally {
      gasRemaining = inner.gasRemaining; // it ran on this call's gas
    }
  }

  private static CallOutcome failed(String reason) {
    return new CallOutcome(false, Abi.encodeError(reason));
  }

  List<Log> logs() {
    return logs;
  }
}
