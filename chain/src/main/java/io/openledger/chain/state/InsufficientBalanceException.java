package io.openledger.chain.state;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;

/**
 * A debit larger than the balance (or an unlock larger than the locked supply). Nothing changed.
 * Modules let it propagate: the call reverts with this message.
 */
public final class InsufficientBalanceException extends RuntimeException {
  public InsufficientBalanceException(Address account, Amount have, Amount want) {
    super(
        (account == null
                ? "insufficient locked supply"
                : "insufficient balance: address " + account)
            + " have "
            + have
            + " want "
            + want,
        null,
        false,
        false);
  }
}
