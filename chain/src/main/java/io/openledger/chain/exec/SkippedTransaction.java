package io.openledger.chain.exec;

import io.openledger.chain.tx.Transaction;

/**
 * A candidate the block left out, and why. {@link InvalidReason#BLOCK_FULL} means it is still valid
 * and may go into a later block; any other reason means it is invalid against this block's state
 * (nonce already used, funds gone, fee cap below the base fee ...).
 */
public record SkippedTransaction(Transaction transaction, ValidationResult.Invalid reason) {

  /** True when the transaction may still be included later (only the block's gas ran out). */
  public boolean retryable() {
    return reason.reason() == InvalidReason.BLOCK_FULL
        || reason.reason() == InvalidReason.NONCE_TOO_HIGH
        || reason.reason() == InvalidReason.FEE_CAP_TOO_LOW;
  }
}
