package io.openledger.chain.mempool;

import io.openledger.chain.state.Account;
import io.openledger.chain.types.Address;

/** The committed head state the pool validates against: one account's nonce and balance. */
@FunctionalInterface
public interface AccountSource {
  /** The account at the head, {@link Account#EMPTY} if never funded. */
  Account account(Address address);
}
