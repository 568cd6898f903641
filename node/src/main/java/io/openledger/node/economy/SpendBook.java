package io.openledger.node.economy;

import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

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
   * What the chain says a payer can still be charged, before this operator's outstanding amounts.
   *
   * @param escrow escrow balance minus the pending withdrawal
   * @param keyRemaining key mode: the key's cap minus what it has spent on chain
   * @param signedHeadroom signed mode: the amount signed for minus what this operator charged on
   *     chain
   */
  record Limits(Amount escrow, Optional<Amount> keyRemaining, Optional<Amount> signedHeadroom) {}

  /**
   * Reserves {@code r} if the limits cover it on top of everything outstanding; otherwise says why
   * not (the 402 message). Records below {@code chainNextRecord} are dropped first: the same state
   * that gave the limits has debited them.
   */
  synchronized Optional<String> tryReserve(Reservation r, long chainNextRecord, Limits limits) {
    batchedUpTo(chainNextRecord);
    Amount payerOut = byPayer.getOrDefault(r.payer(), Amount.ZERO);
    if (limits.escrow().lessThan(payerOut.add(r.amount()))) {
      return Optional.of(
          String.format(
              "the escrow of %s cannot pay this request: %s OPEN available (after pending"
                  + " withdrawals), %s OPEN owed for answers not yet settled on chain, this"
                  + " request may cost up to %s OPEN; deposit more with `openledger escrow deposit`",
              r.payer(),
              limits.escrow().toOpenString(),
              payerOut.toOpenString(),
              r.amount().toOpenString()));
    }
    if (limits.keyRemaining().isPresent()) {
      Amount keyOut = byKey.getOrDefault(r.keyHash(), Amount.ZERO);
      if (limits.keyRemaining().get().lessThan(keyOut.add(r.amount()))) {
        return Optional.of(
            String.format(
                "API key cap reached: %s OPEN left under the cap, %s OPEN owed for answers not yet"
                    + " settled on chain, this request may cost up to %s OPEN",
                limits.keyRemaining().get().toOpenString(),
                keyOut.toOpenString(),
                r.amount().toOpenString()));
      }
    }
    if (limits.signedHeadroom().isPresent()) {
      Amount signedOut = signedByPayer.getOrDefault(r.payer(), Amount.ZERO);
      if (limits.signedHeadroom().get().lessThan(signedOut.add(r.amount()))) {
        return Optional.of(
            String.format(
                "the signed amount does not cover this request: %s OPEN signed beyond what was"
                    + " charged on chain, %s OPEN owed for answers not yet settled, this request"
                    + " may cost up to %s OPEN; sign for at least the sum",
                limits.signedHeadroom().get().toOpenString(),
                signedOut.toOpenString(),
                r.amount().toOpenString()));
      }
    }
    add(r.payer(), r.keyHash(), r.signed(), r.amount());
    return Optional.empty();
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
