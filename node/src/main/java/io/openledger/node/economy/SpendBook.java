package io.openledger.node.economy;

import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * What this operator has promised itself but the chain has not debited yet, per payer and per API
 * key: the fees of records not yet in a posted batch ("unbatched"), and the most that requests
 * being generated can still cost ("reserved"). The gate admits a request only when the escrow, the
 * key's cap or the signed amount covers all of that plus the request's own maximum, so an answer is
 * never served that its payer cannot pay.
 *
 * <p>Records enter in number order; {@link #batchedUpTo} drops those the chain has taken (its
 * {@code nextBatch(operator).firstRecord}), read from the same state as the escrow it is compared
 * with. Thread-safe (one lock; every operation is a few map updates).
 */
final class SpendBook {
  private record Unbatched(long number, Address payer, Hash keyHash, boolean signed, Amount fee) {}

  private final ArrayDeque<Unbatched> unbatched = new ArrayDeque<>();
  private final Map<Address, Amount> byPayer = new HashMap<>();
  private final Map<Hash, Amount> byKey = new HashMap<>();
  private final Map<Address, Amount> signedByPayer = new HashMap<>();
  private long nextExpected;

  /** Starts after the records the chain has already batched. */
  SpendBook(long firstUnbatched) {
    this.nextExpected = firstUnbatched;
  }

  /** A request's maximum cost, held until it is settled or abandoned. */
  record Reservation(Address payer, Hash keyHash, boolean signed, Amount amount) {}

  /**
   * What the payer, the key and (signed mode) the payer's signed total have outstanding, after
   * dropping the records below {@code chainNextRecord}.
   */
  synchronized Outstanding outstanding(Address payer, Hash keyHash, long chainNextRecord) {
    batchedUpTo(chainNextRecord);
    return new Outstanding(
        byPayer.getOrDefault(payer, Amount.ZERO),
        keyHash.equals(Hash.ZERO) ? Amount.ZERO : byKey.getOrDefault(keyHash, Amount.ZERO),
        signedByPayer.getOrDefault(payer, Amount.ZERO));
  }

  /** Outstanding amounts: unbatched fees plus reservations. */
  record Outstanding(Amount payer, Amount key, Amount signed) {}

  /** Reserves {@code r} (the caller checked it fits). */
  synchronized void reserve(Reservation r) {
    add(r.payer(), r.keyHash(), r.signed(), r.amount());
  }

  /** Releases a reservation (abandoned, or replaced by its record's fee). */
  synchronized void release(Reservation r) {
    subtract(r.payer(), r.keyHash(), r.signed(), r.amount());
  }

  /** Replaces a reservation with the record written for it (must come in number order). */
  synchronized void recorded(Reservation r, InferenceRecord record) {
    release(r);
    add(record);
  }

  /** A record read back at start-up, in number order. */
  synchronized void add(InferenceRecord record) {
    if (record.number() < nextExpected) {
      return; // already batched on chain
    }
    if (record.number() != nextExpected) {
      throw new IllegalStateException(
          "record " + record.number() + " out of order; expected " + nextExpected);
    }
    nextExpected++;
    boolean signed = record.signedMode();
    unbatched.add(
        new Unbatched(record.number(), record.payer(), record.keyHash(), signed, record.fee()));
    add(record.payer(), record.keyHash(), signed, record.fee());
  }

  /** Drops the records numbered below {@code chainNextRecord}: the chain has debited them. */
  synchronized void batchedUpTo(long chainNextRecord) {
    while (!unbatched.isEmpty() && unbatched.peekFirst().number() < chainNextRecord) {
      Unbatched u = unbatched.pollFirst();
      subtract(u.payer(), u.keyHash(), u.signed(), u.fee());
    }
    nextExpected = Math.max(nextExpected, chainNextRecord);
  }

  private void add(Address payer, Hash keyHash, boolean signed, Amount a) {
    byPayer.merge(payer, a, Amount::add);
    if (!keyHash.equals(Hash.ZERO)) {
      byKey.merge(keyHash, a, Amount::add);
    }
    if (signed) {
      signedByPayer.merge(payer, a, Amount::add);
    }
  }

  private void subtract(Address payer, Hash keyHash, boolean signed, Amount a) {
    byPayer.compute(payer, (k, v) -> nonZero(v.subtract(a)));
    if (!keyHash.equals(Hash.ZERO)) {
      byKey.compute(keyHash, (k, v) -> nonZero(v.subtract(a)));
    }
    if (signed) {
      signedByPayer.compute(payer, (k, v) -> nonZero(v.subtract(a)));
    }
  }

  private static Amount nonZero(Amount a) {
    return a.isZero() ? null : a;
  }
}
