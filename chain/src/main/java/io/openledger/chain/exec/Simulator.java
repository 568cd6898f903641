package io.openledger.chain.exec;

import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.Optional;

/**
 * eth_call and eth_estimateGas: runs a call on the state at a root exactly as a transaction would
 * run in the given block, and throws the changes away (nothing is ever written).
 *
 * <p>Gas is accounted exactly (no refunds, no 63/64 rule), so the gas a successful call uses is the
 * least gas limit with which it succeeds; estimateGas checks that with a second run and falls back
 * to a binary search if a module's charges ever depend on the limit.
 */
public final class Simulator {
  /** geth's {@code core.ErrInsufficientFundsForTransfer}, as its gas estimator answers it. */
  public static final String INSUFFICIENT_FUNDS_FOR_TRANSFER = "insufficient funds for transfer";

  private final ProtocolSchedule schedule;
  private final StateDatabase states;

  public Simulator(ProtocolSchedule schedule, StateDatabase states) {
    this.schedule = schedule;
    this.states = states;
  }

  /**
   * eth_call.
   *
   * @param stateRoot the state to run on (the chosen block's state root)
   * @param env the block it runs in (for "latest": the head's number, timestamp, base fee)
   */
  public SimulationResult call(Hash stateRoot, BlockEnvironment env, Call call) {
    return run(stateRoot, env, call, call.gas() != null ? call.gas() : env.gasLimit());
  }

  /**
   * eth_estimateGas: the least gas limit with which the call succeeds, capped by {@code call.gas}
   * (or the block gas limit) and by what the sender can pay at the given price.
   */
  public SimulationResult estimateGas(Hash stateRoot, BlockEnvironment env, Call call) {
    long cap = call.gas() != null ? call.gas() : env.gasLimit();
    Optional<SimulationResult> unfunded = unfunded(stateRoot, env, call);
    if (unfunded.isPresent()) {
      return unfunded.get();
    }
    cap = Math.min(cap, affordableGas(stateRoot, call, cap));
    SimulationResult atCap = run(stateRoot, env, call, cap);
    if (!(atCap instanceof SimulationResult.Success ok)) {
      if (atCap instanceof SimulationResult.Reverted r && "out of gas".equals(r.reason())) {
        return new SimulationResult.Invalid("gas required exceeds allowance (" + cap + ")");
      }
      return atCap;
    }
    long guess = ok.gasUsed();
    if (run(stateRoot, env, call, guess) instanceof SimulationResult.Success s) {
      return new SimulationResult.Success(s.returnData(), guess, s.logs());
    }
    long lo = guess; // fails
    long hi = cap; // succeeds
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (run(stateRoot, env, call, mid) instanceof SimulationResult.Success) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return new SimulationResult.Success(ok.returnData(), hi, ok.logs());
  }

  private SimulationResult run(Hash stateRoot, BlockEnvironment env, Call call, long gas) {
    WorldState state = states.open(stateRoot, Math.max(0, env.number() - 1));
    ProtocolRules rules = schedule.rulesAt(env.number(), state);
    Address from = call.from() != null ? call.from() : Address.ZERO;
    Amount maxFee =
        priceOrZero(call.maxFeePerGas() != null ? call.maxFeePerGas() : call.gasPrice());
    Amount tip =
        priceOrZero(
            call.maxPriorityFeePerGas() != null ? call.maxPriorityFeePerGas() : call.gasPrice());
    // geth: a call that names no price runs with a zero base fee, so it needs no funds for gas.
    BlockEnvironment runEnv =
        maxFee.isZero() && tip.isZero()
            ? new BlockEnvironment(
                env.parentHash(),
                env.number(),
                env.timestamp(),
                Amount.ZERO,
                env.gasLimit(),
                env.sequencer(),
                env.history())
            : env;
    Message m =
        new Message(
            from,
            call.to(),
            state.nonce(from),
            gas,
            maxFee,
            tip,
            call.value() != null ? call.value() : Amount.ZERO,
            call.data() != null ? call.data() : new byte[0]);
    long intrinsic = new TransactionValidator(rules).intrinsicGas(m.to(), m.data());
    if (gas < intrinsic) {
      return new SimulationResult.Invalid(
          "intrinsic gas too low: have " + gas + ", want " + intrinsic);
    }
    if (maxFee.lessThan(tip)) {
      return new SimulationResult.Invalid(
          "max priority fee per gas higher than max fee per gas: address "
              + Eip55.format(from)
              + ", maxPriorityFeePerGas: "
              + tip
              + ", maxFeePerGas: "
              + maxFee);
    }
    ValidationResult v =
        new TransactionValidator(rules).validateMessage(m, state, runEnv.baseFee(), Long.MAX_VALUE);
    if (v instanceof ValidationResult.Invalid invalid) {
      return new SimulationResult.Invalid(invalid.message());
    }
    TransactionResult r = new TransactionExecutor(rules).execute(state, runEnv, m, true);
    if (r.success()) {
      return new SimulationResult.Success(r.returnData(), r.gasUsed(), r.logs());
    }
    return new SimulationResult.Reverted(r.returnData(), r.revertReason().orElse(""), r.gasUsed());
  }

  /**
   * A call that names a price from a sender who cannot pay for it: geth's refusals, so that wallets
   * tell the user "insufficient funds" rather than a gas error. A value at or above the balance is
   * {@code insufficient funds for transfer} (geth's estimator); a balance that cannot buy even the
   * intrinsic gas at the price is {@code insufficient funds for gas * price + value}.
   */
  private Optional<SimulationResult> unfunded(Hash stateRoot, BlockEnvironment env, Call call) {
    Amount price = call.maxFeePerGas() != null ? call.maxFeePerGas() : call.gasPrice();
    if (price == null || price.isZero()) {
      return Optional.empty();
    }
    Address from = call.from() != null ? call.from() : Address.ZERO;
    Amount balance = states.at(stateRoot).balance(from);
    Amount value = call.value() != null ? call.value() : Amount.ZERO;
    if (!value.lessThan(balance)) {
      return Optional.of(new SimulationResult.Invalid(INSUFFICIENT_FUNDS_FOR_TRANSFER));
    }
    ProtocolRules rules = schedule.rulesAt(env.number(), states.at(stateRoot));
    long intrinsic =
        new TransactionValidator(rules)
            .intrinsicGas(call.to(), call.data() != null ? call.data() : new byte[0]);
    Amount want = price.multiply(intrinsic).add(value);
    if (balance.lessThan(want)) {
      return Optional.of(
          new SimulationResult.Invalid(
              "insufficient funds for gas * price + value: address "
                  + Eip55.format(from)
                  + " have "
                  + balance
                  + " want "
                  + want));
    }
    return Optional.empty();
  }

  /** The most gas the sender can pay for at the call's price (geth's allowance cap). */
  private long affordableGas(Hash stateRoot, Call call, long cap) {
    Amount price = call.maxFeePerGas() != null ? call.maxFeePerGas() : call.gasPrice();
    if (price == null || price.isZero()) {
      return cap;
    }
    Address from = call.from() != null ? call.from() : Address.ZERO;
    Amount balance = states.at(stateRoot).balance(from);
    Amount value = call.value() != null ? call.value() : Amount.ZERO;
    if (balance.lessThan(value)) {
      return cap;
    }
    BigInteger gas = balance.subtract(value).value().divide(price.value());
    return gas.bitLength() < 63 ? Math.min(cap, gas.longValue()) : cap;
  }

  private static Amount priceOrZero(Amount a) {
    return a != null ? a : Amount.ZERO;
  }
}
