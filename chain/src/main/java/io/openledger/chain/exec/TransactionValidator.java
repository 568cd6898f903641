package io.openledger.chain.exec;

import io.openledger.chain.state.Account;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;

/**
 * The protocol's checks of a transaction, for admission to the mempool and for execution in a
 * block. Results are values whose messages are worded exactly as go-ethereum words them (wallets
 * and SDKs match on the text), with addresses in EIP-55 form.
 */
public final class TransactionValidator {
  private final ProtocolRules rules;

  public TransactionValidator(ProtocolRules rules) {
    this.rules = rules;
  }

  /**
   * Checks that need no state: chain id, a recipient, size, gas limit against the block's, tip
   * against fee cap, intrinsic gas.
   */
  public ValidationResult validateStatic(Transaction tx, long blockGasLimit) {
    try {
      tx.sender();
    } catch (IllegalStateException e) {
      return ValidationResult.invalid(InvalidReason.INVALID_SENDER, "invalid sender");
    }
    if (tx.chainId().isPresent() && tx.chainId().getAsLong() != rules.chainId()) {
      return ValidationResult.invalid(
          InvalidReason.WRONG_CHAIN_ID,
          "invalid chain id for signer: have "
              + tx.chainId().getAsLong()
              + " want "
              + rules.chainId());
    }
    if (tx.to().isEmpty()) {
      return ValidationResult.invalid(
          InvalidReason.CONTRACT_CREATION_UNSUPPORTED,
          "contract creation is not supported (no EVM yet): transactions need a 'to' address");
    }
    if (tx.size() > rules.maxTransactionSize()) {
      return ValidationResult.invalid(
          InvalidReason.OVERSIZED,
          "oversized data: transaction size "
              + tx.size()
              + ", limit "
              + rules.maxTransactionSize());
    }
    if (tx.gasLimit() > blockGasLimit) {
      return ValidationResult.invalid(
          InvalidReason.EXCEEDS_BLOCK_GAS_LIMIT, "exceeds block gas limit");
    }
    if (tx.maxFeePerGas().lessThan(tx.maxPriorityFeePerGas())) {
      return ValidationResult.invalid(
          InvalidReason.TIP_ABOVE_FEE_CAP,
          "max priority fee per gas higher than max fee per gas: address "
              + Eip55.format(tx.sender())
              + ", maxPriorityFeePerGas: "
              + tx.maxPriorityFeePerGas()
              + ", maxFeePerGas: "
              + tx.maxFeePerGas());
    }
    long intrinsic = intrinsicGas(tx.to().get(), tx.data());
    if (tx.gasLimit() < intrinsic) {
      return ValidationResult.invalid(
          InvalidReason.INTRINSIC_GAS_TOO_LOW,
          "intrinsic gas too low: have " + tx.gasLimit() + ", want " + intrinsic);
    }
    return ValidationResult.valid();
  }

  /**
   * Admission to the mempool: {@link #validateStatic} plus the checks against the sender's account
   * as the pool sees it. A nonce above the account's is allowed (the pool holds gaps); a nonce
   * below is "nonce too low". The fee cap must reach the next block's base fee.
   *
   * @param account the sender's account at the head (or pending: balance net of its earlier pooled
   *     transactions)
   * @param headState the head state, to name locked OPEN in the refusal (may be null)
   */
  public ValidationResult validateForAdmission(
      Transaction tx,
      Account account,
      Amount nextBaseFee,
      long blockGasLimit,
      StateReader headState) {
    ValidationResult r = validateStatic(tx, blockGasLimit);
    if (!r.isValid()) {
      return r;
    }
    Address sender = tx.sender();
    if (tx.nonce() < account.nonce()) {
      return nonceTooLow(sender, tx.nonce(), account.nonce());
    }
    return checkFees(Message.of(tx), account, nextBaseFee, headState);
  }

  /**
   * Execution in a block: the nonce must equal the account's, the fee cap reach the block's base
   * fee, the balance cover {@code gasLimit * maxFeePerGas + value}, and the gas fit what is left of
   * the block.
   */
  public ValidationResult validateForExecution(
      Transaction tx, StateReader state, BlockEnvironment env, long blockGasRemaining) {
    ValidationResult r = validateStatic(tx, env.gasLimit());
    if (!r.isValid()) {
      return r;
    }
    return validateMessage(Message.of(tx), state, env.baseFee(), blockGasRemaining);
  }

  /**
   * The state checks of {@link #validateForExecution} on a message (also used by simulation): exact
   * nonce, fee cap, funds, room in the block.
   */
  public ValidationResult validateMessage(
      Message m, StateReader state, Amount baseFee, long blockGasRemaining) {
    Account account = state.account(m.sender());
    if (m.nonce() < account.nonce()) {
      return nonceTooLow(m.sender(), m.nonce(), account.nonce());
    }
    if (m.nonce() > account.nonce()) {
      return ValidationResult.invalid(
          InvalidReason.NONCE_TOO_HIGH,
          "nonce too high: address "
              + Eip55.format(m.sender())
              + ", tx: "
              + m.nonce()
              + " state: "
              + account.nonce());
    }
    if (account.nonce() == Long.MAX_VALUE) {
      return ValidationResult.invalid(
          InvalidReason.NONCE_MAX,
          "nonce has max value: address " + Eip55.format(m.sender()) + ", nonce: " + m.nonce());
    }
    ValidationResult fees = checkFees(m, account, baseFee, state);
    if (!fees.isValid()) {
      return fees;
    }
    if (m.gasLimit() > blockGasRemaining) {
      return ValidationResult.invalid(InvalidReason.BLOCK_FULL, "gas limit reached");
    }
    return ValidationResult.valid();
  }

  /** Intrinsic gas of a message to {@code to} with {@code data}. */
  public long intrinsicGas(Address to, byte[] data) {
    return rules.gasSchedule().intrinsicGas(data, rules.modules().isModule(to));
  }

  private ValidationResult checkFees(
      Message m, Account account, Amount baseFee, StateReader stateForLocked) {
    if (m.maxFeePerGas().lessThan(baseFee)) {
      return ValidationResult.invalid(
          InvalidReason.FEE_CAP_TOO_LOW,
          "max fee per gas less than block base fee: address "
              + Eip55.format(m.sender())
              + ", maxFeePerGas: "
              + m.maxFeePerGas()
              + ", baseFee: "
              + baseFee);
    }
    // geth's buyGas: the balance must cover the fee cap, not only the effective price.
    Amount want = m.maxFeePerGas().multiply(m.gasLimit()).add(m.value());
    Amount have = account.balance();
    if (have.lessThan(want)) {
      Amount locked =
          stateForLocked == null
              ? Amount.ZERO
              : rules.lockedBalances().lockedOf(stateForLocked, m.sender());
      if (!locked.isZero() && !have.add(locked).lessThan(want)) {
        return ValidationResult.invalid(
            InvalidReason.SPENDS_LOCKED,
            "transaction would spend locked (unvested) OPEN: address "
                + Eip55.format(m.sender())
                + " have "
                + have
                + " want "
                + want
                + " locked "
                + locked);
      }
      return ValidationResult.invalid(
          InvalidReason.INSUFFICIENT_FUNDS,
          "insufficient funds for gas * price + value: address "
              + Eip55.format(m.sender())
              + " have "
              + have
              + " want "
              + want);
    }
    return ValidationResult.valid();
  }

  private static ValidationResult nonceTooLow(Address sender, long txNonce, long stateNonce) {
    return ValidationResult.invalid(
        InvalidReason.NONCE_TOO_LOW,
        "nonce too low: address "
            + Eip55.format(sender)
            + ", tx: "
            + txNonce
            + " state: "
            + stateNonce);
  }
}
