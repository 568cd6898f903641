package io.openledger.chain.tx;

import io.openledger.chain.crypto.Secp256k1;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;

/**
 * The values derived from an immutable transaction, each computed once: its encoding, hash and
 * recovered sender. Races only compute the same value twice.
 */
final class TransactionCache {
  private final Transaction tx;
  private volatile byte[] encoding;
  private volatile Hash hash;
  private volatile Address sender;

  static TransactionCache of(Transaction tx) {
    return switch (tx) {
      case LegacyTransaction l -> l.cache();
      case Eip2930Transaction t -> t.cache();
      case Eip1559Transaction t -> t.cache();
      case DepositTransaction d ->
          throw new IllegalArgumentException("a deposit is unsigned: it has no sender cache");
    };
  }

  TransactionCache(Transaction tx, byte[] encoding) {
    this.tx = tx;
    this.encoding = encoding;
  }

  byte[] encoding() {
    byte[] e = encoding;
    if (e == null) {
      e =
          switch (tx) {
            case LegacyTransaction l -> l.computeEncoding();
            case Eip2930Transaction t -> t.computeEncoding();
            case Eip1559Transaction t -> t.computeEncoding();
            case DepositTransaction d -> d.encode();
          };
      encoding = e;
    }
    return e;
  }

  Hash hash() {
    Hash h = hash;
    if (h == null) {
      h = Hash.keccak256(encoding());
      hash = h;
    }
    return h;
  }

  Address sender() {
    Address a = sender;
    if (a == null) {
      a =
          Secp256k1.get()
              .recoverAddress(tx.signingHash(), tx.signature())
              .orElseThrow(() -> new IllegalStateException("invalid sender"));
      sender = a;
    }
    return a;
  }

  /** Sets the sender when the caller already recovered it (the decoder). */
  void senderKnown(Address a) {
    sender = a;
  }
}
