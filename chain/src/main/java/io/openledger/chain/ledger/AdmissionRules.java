package io.openledger.chain.ledger;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.exec.TransactionValidator;
import io.openledger.chain.exec.ValidationResult;
import io.openledger.chain.state.Account;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.StateKeys;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.Supply;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the mempool asks of the chain when it admits a transaction: the sender's account at the
 * head, and the protocol's checks under the rules of the block the transaction would go into (head
 * + 1), so that a rule change activating at the next block already governs what the pool admits.
 */
final class AdmissionRules {
  private final ProtocolSchedule protocol;
  private final StateDatabase states;
  private final ChainHead head;
  private final long gasLimit;

  /**
   * The validator for the block after the head it was made for: the rules depend only on that
   * block's number and its parent's state (a gas table scheduled there), and reading them from the
   * state for every admitted transaction cost more than the checks themselves.
   */
  private volatile HeadValidator validator;

  private record HeadValidator(long number, Hash stateRoot, TransactionValidator validator) {}

  AdmissionRules(ProtocolSchedule protocol, StateDatabase states, ChainHead head, long gasLimit) {
    this.protocol = protocol;
    this.states = states;
    this.head = head;
    this.gasLimit = gasLimit;
  }

  /** The account at the head's state (empty when it was never touched). */
  Account headAccount(Address address) {
    return states
        .tree()
        .get(head.current().header().stateRoot(), StateKeys.account(address))
        .map(Account::decode)
        .orElse(Account.EMPTY);
  }

  /** Why {@code tx} may not enter the pool, if it may not. */
  Optional<String> check(Transaction tx, Account pending, Amount nextBaseFee) {
    BlockHeader parent = head.current().header();
    Hash root = parent.stateRoot();
    ValidationResult r =
        validatorAfter(parent)
            .validateForAdmission(
                tx, pending, nextBaseFee, gasLimit, new LazyState(() -> states.at(root)));
    return r instanceof ValidationResult.Invalid i ? Optional.of(i.message()) : Optional.empty();
  }

  private TransactionValidator validatorAfter(BlockHeader parent) {
    HeadValidator cached = validator;
    if (cached != null
        && cached.number() == parent.number()
        && cached.stateRoot().equals(parent.stateRoot())) {
      return cached.validator();
    }
    TransactionValidator made =
        new TransactionValidator(
            protocol.rulesAt(parent.number() + 1, states.at(parent.stateRoot())));
    validator = new HeadValidator(parent.number(), parent.stateRoot(), made);
    return made;
  }

  /** A state reader opened only when first used (the locked-OPEN message needs it rarely). */
  private static final class LazyState implements StateReader {
    private final Supplier<StateReader> open;
    private StateReader state;

    LazyState(Supplier<StateReader> open) {
      this.open = open;
    }

    private StateReader state() {
      if (state == null) {
        state = open.get();
      }
      return state;
    }

    @Override
    public Account account(Address address) {
      return state().account(address);
    }

    @Override
    public Optional<byte[]> storage(Address module, byte[] slot) {
      return state().storage(module, slot);
    }

    @Override
    public Supply supply() {
      return state().supply();
    }
  }
}
