package io.openledger.chain.exec;

import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiDecodingException;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.OutOfGasException;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.state.InsufficientBalanceException;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.types.Amount;
import java.util.List;
import java.util.Optional;

/**
 * Runs one validated message against a world state: a transfer or a module call.
 *
 * <p>Fees: the sender pays {@code gasLimit * effectiveGasPrice} up front, gets {@code (gasLimit -
 * gasUsed) * effectiveGasPrice} back, and of what it paid {@code baseFee * gasUsed} goes to the
 * treasury and {@code (effectiveGasPrice - baseFee) * gasUsed} to the sequencer: no OPEN is created
 * or destroyed. A module call that reverts (or runs out of gas) has its state changes undone but
 * still pays for its gas (all of it when out of gas) and still uses its nonce.
 */
public final class TransactionExecutor {
  private final ProtocolRules rules;

  public TransactionExecutor(ProtocolRules rules) {
    this.rules = rules;
  }

  public ProtocolRules rules() {
    return rules;
  }

  /**
   * Executes {@code m}, which the caller has validated ({@link
   * TransactionValidator#validateMessage}) against this state and block.
   *
   * @param simulation true for eth_call/estimateGas (modules may see it; nothing else differs)
   */
  public TransactionResult execute(
      WorldState state, BlockEnvironment env, Message m, boolean simulation) {
    Amount price = m.effectiveGasPrice(env.baseFee());
    state.incrementNonce(m.sender());
    state.debit(m.sender(), price.multiply(m.gasLimit()));

    long intrinsic = rules.gasSchedule().intrinsicGas(m.data(), rules.modules().isModule(m.to()));
    Optional<SystemModule> module = rules.modules().get(m.to());
    TransactionResult result;
    if (module.isPresent()) {
      result = callModule(state, env, m, module.get(), intrinsic, price, simulation);
    } else {
      state.transfer(m.sender(), m.to(), m.value());
      result =
          new TransactionResult(true, intrinsic, price, List.of(), new byte[0], Optional.empty());
    }
    payFees(state, env, m, price, result.gasUsed());
    return result;
  }

  /**
   * Runs a deposit: its system call, made by a reserved sender that is no module, with the
   * deposit's gas, no fee and no nonce. A deposit whose call fails does not belong in a block.
   *
   * @return the result (gas used 0: deposits do not count against the block's gas), or the reason
   *     the deposit is invalid; a failed call changes nothing
   */
  public Either deposit(WorldState state, BlockEnvironment env, DepositTransaction d) {
    Optional<SystemModule> module = rules.modules().get(d.module());
    if (!ModuleRegistry.isReserved(d.from()) || rules.modules().isModule(d.from())) {
      return new Either.Refused("deposit sender " + d.from() + " is not a reserved system sender");
    }
    if (module.isEmpty()) {
      return new Either.Refused("deposit to " + d.module() + ", which is no module");
    }
    int checkpoint = state.checkpoint();
    CallFrame frame =
        new CallFrame(d.from(), d.module(), env, false, rules, state, d.gasLimit(), 0);
    try {
      byte[] out = module.get().call(frame, d.data(), Amount.ZERO);
      return new Either.Done(
          new TransactionResult(true, 0, Amount.ZERO, frame.logs(), out, Optional.empty()));
    } catch (OutOfGasException e) {
      state.revertTo(checkpoint);
      return new Either.Refused("deposit ran out of gas");
    } catch (ModuleRevert e) {
      state.revertTo(checkpoint);
      return new Either.Refused(e.reason());
    } catch (AbiDecodingException | InsufficientBalanceException | ArithmeticException e) {
      state.revertTo(checkpoint);
      return new Either.Refused(module.get().name() + ": " + e.getMessage());
    }
  }

  /** What {@link #deposit} did: done, or refused with a reason. */
  public sealed interface Either {
    record Done(TransactionResult result) implements Either {}

    record Refused(String reason) implements Either {}
  }

  private TransactionResult callModule(
      WorldState state,
      BlockEnvironment env,
      Message m,
      SystemModule module,
      long intrinsic,
      Amount price,
      boolean simulation) {
    int checkpoint = state.checkpoint();
    CallFrame frame =
        new CallFrame(
            m.sender(),
            module.address(),
            env,
            simulation,
            rules,
            state,
            m.gasLimit() - intrinsic,
            0);
    try {
      state.transfer(m.sender(), module.address(), m.value());
      byte[] out = module.call(frame, m.data(), m.value());
      frame.charge(rules.gasSchedule().returnDataWord() * ((out.length + 31) / 32));
      long used = m.gasLimit() - frame.gasRemaining();
      return new TransactionResult(true, used, price, frame.logs(), out, Optional.empty());
    } catch (OutOfGasException e) {
      state.revertTo(checkpoint);
      return failed(m.gasLimit(), price, "out of gas");
    } catch (ModuleRevert e) {
      state.revertTo(checkpoint);
      return failed(m.gasLimit() - frame.gasRemaining(), price, e.reason());
    } catch (AbiDecodingException | InsufficientBalanceException | ArithmeticException e) {
      // Bad calldata, a debit beyond a balance, an amount out of range: the call's fault, not the
      // node's, so it reverts like a Solidity require() with the reason.
      state.revertTo(checkpoint);
      return failed(
          m.gasLimit() - frame.gasRemaining(), price, module.name() + ": " + e.getMessage());
    }
  }

  private static TransactionResult failed(long gasUsed, Amount price, String reason) {
    return new TransactionResult(
        false, gasUsed, price, List.of(), Abi.encodeError(reason), Optional.of(reason));
  }

  private void payFees(WorldState state, BlockEnvironment env, Message m, Amount price, long used) {
    state.credit(m.sender(), price.multiply(m.gasLimit() - used));
    // price >= baseFee: validation refused fee caps below the base fee.
    Amount baseFeePart = env.baseFee().multiply(used);
    Amount priorityPart = price.subtract(env.baseFee()).multiply(used);
    state.credit(rules.treasury(), baseFeePart);
    state.credit(env.sequencer(), priorityPart);
  }
}
