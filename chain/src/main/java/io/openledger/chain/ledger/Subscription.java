package io.openledger.chain.ledger;

/** A registered listener ({@code eth_subscribe}); closing it unsubscribes. Idempotent. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
