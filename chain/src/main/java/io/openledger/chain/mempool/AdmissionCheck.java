package io.openledger.chain.mempool;

import io.openledger.chain.state.Account;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Amount;
import java.util.Optional;

/**
 * Protocol checks the pool runs after its own (nonce, fee cap, funds), against the sender's pending
 * account: balance minus what its earlier pooled transactions may spend, nonce = the transaction's.
 */
@FunctionalInterface
public interface AdmissionCheck {
  AdmissionCheck NONE = (tx, pending, baseFee) -> Optional.empty();

  /** Empty when admissible; else the refusal message, as Ethereum clients word it. */
  Optional<String> check(Transaction tx, Account pendingAccount, Amount nextBaseFee);
}
