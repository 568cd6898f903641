package io.openledger.chain.challenge;

import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A registered validator: its stake, held by the challenge module.
 *
 * @param stake base units
 * @param unbonding true once it unregistered: it no longer votes, its stake is released at {@code
 *     releaseAt} and can still be penalized until then
 * @param releaseAt when an unbonding validator may withdraw; 0 while active
 * @param firstChallenge the id the next challenge had when it registered: it votes on challenges
 *     with this id or later, the ones whose quorum base counted its stake
 * @param misses votes missed in a row
 * @param index its place in the module's list of validators
 */
public record Validator(
    Amount stake, boolean unbonding, long releaseAt, long firstChallenge, int misses, int index) {
  static final int SIZE = 32 + 1 + 8 + 8 + 4 + 4;

  public Validator {
    Objects.requireNonNull(stake, "stake");
  }

  /** Active and registered before challenge {@code id} was filed. */
  public boolean mayVoteOn(long id) {
    return !unbonding && firstChallenge <= id;
  }

  Validator withStake(Amount s) {
    return new Validator(s, unbonding, releaseAt, firstChallenge, misses, index);
  }

  Validator withMisses(int m) {
    return new Validator(stake, unbonding, releaseAt, firstChallenge, m, index);
  }

  Validator withIndex(int i) {
    return new Validator(stake, unbonding, releaseAt, firstChallenge, misses, i);
  }

  Validator unbondingUntil(long at) {
    return new Validator(stake, true, at, firstChallenge, misses, index);
  }

  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(stake.toBytes32())
        .put((byte) (unbonding ? 1 : 0))
        .putLong(releaseAt)
        .putLong(firstChallenge)
        .putInt(misses)
        .putInt(index)
        .array();
  }

  static Validator decode(byte[] value) {
    ByteBuffer b = Codec.reader(value, SIZE, "validator");
    return new Validator(
        Codec.amount(b), b.get() != 0, b.getLong(), b.getLong(), b.getInt(), b.getInt());
  }
}
