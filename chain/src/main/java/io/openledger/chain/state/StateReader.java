package io.openledger.chain.state;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.Optional;

/** Read access to world state: accounts, module storage, supply counters. */
public interface StateReader {

  /** The account at {@code address}, {@link Account#EMPTY} if it was never funded. */
  Account account(Address address);

  default Amount balance(Address address) {
    return account(address).balance();
  }

  default long nonce(Address address) {
    return account(address).nonce();
  }

  /** The value of a module storage slot; empty when unset. The array belongs to the caller. */
  Optional<byte[]> storage(Address module, byte[] slot);

  /** The supply counters. */
  Supply supply();
}
