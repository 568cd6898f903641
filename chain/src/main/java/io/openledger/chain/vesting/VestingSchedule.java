package io.openledger.chain.vesting;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * One beneficiary's vesting: nothing vests before {@code start + cliff}; from then on the total
 * vests linearly over {@code duration} seconds, in full at {@code start + cliff + duration}. (So
 * "12-month cliff, then 36 months linear" is cliff = 12 months, duration = 36 months; "48 months
 * linear" is cliff = 0, duration = 48 months.) Vested OPEN stays locked until the beneficiary
 * claims it.
 *
 * <p>Integer arithmetic only: {@code vested(t) = floor(total * (t - start - cliff) / duration)}.
 * Times are seconds since the Unix epoch (block timestamps).
 *
 * @param beneficiary who can claim
 * @param total OPEN allocated, base units
 * @param start seconds since the epoch (usually the genesis timestamp)
 * @param cliff seconds after start before anything vests
 * @param duration seconds of linear vesting after the cliff (0: all vests at the cliff)
 * @param claimed base units already claimed
 */
public record VestingSchedule(
    Address beneficiary, Amount total, long start, long cliff, long duration, Amount claimed) {

  /** Size of {@link #encode()}: total 32 + start 8 + cliff 8 + duration 8 + claimed 32. */
  public static final int ENCODED_SIZE = 88;

  public VestingSchedule {
    if (start < 0 || cliff < 0 || duration < 0) {
      throw new IllegalArgumentException("vesting start, cliff and duration must be >= 0");
    }
    if (Long.MAX_VALUE - start < cliff || Long.MAX_VALUE - start - cliff < duration) {
      throw new IllegalArgumentException("vesting end is out of range");
    }
    if (total.lessThan(claimed)) {
      throw new IllegalArgumentException("claimed " + claimed + " exceeds total " + total);
    }
  }

  /** A fresh schedule with nothing claimed. */
  public static VestingSchedule of(
      Address beneficiary, Amount total, long start, long cliff, long duration) {
    return new VestingSchedule(beneficiary, total, start, cliff, duration, Amount.ZERO);
  }

  /** When vesting begins: {@code start + cliff}. */
  public long cliffEnd() {
    return start + cliff;
  }

  /** When everything has vested: {@code start + cliff + duration}. */
  public long end() {
    return start + cliff + duration;
  }

  /** OPEN vested by time {@code t} (claimed or not), base units. */
  public Amount vestedAt(long t) {
    if (t < cliffEnd()) {
      return Amount.ZERO;
    }
    if (t >= end()) {
      return total;
    }
    BigInteger elapsed = BigInteger.valueOf(t - cliffEnd());
    return Amount.of(total.value().multiply(elapsed).divide(BigInteger.valueOf(duration)));
  }

  /** Vested but not yet claimed at {@code t}. */
  public Amount claimableAt(long t) {
    return vestedAt(t).subtract(claimed);
  }

  /** Still locked: total minus claimed. */
  public Amount locked() {
    return total.subtract(claimed);
  }

  public VestingSchedule withClaimed(Amount newClaimed) {
    return new VestingSchedule(beneficiary, total, start, cliff, duration, newClaimed);
  }

  /**
   * Storage encoding (the beneficiary is in the slot key): total (32 bytes) ++ start (8) ++ cliff
   * (8) ++ duration (8) ++ claimed (32), all big-endian.
   */
  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_SIZE)
        .put(total.toBytes32())
        .putLong(start)
        .putLong(cliff)
        .putLong(duration)
        .put(claimed.toBytes32())
        .array();
  }

  public static VestingSchedule decode(Address beneficiary, byte[] encoded) {
    if (encoded.length != ENCODED_SIZE) {
      throw new IllegalArgumentException("not an encoded vesting schedule");
    }
    ByteBuffer b = ByteBuffer.wrap(encoded);
    byte[] total = new byte[32];
    b.get(total);
    long start = b.getLong();
    long cliff = b.getLong();
    long duration = b.getLong();
    byte[] claimed = new byte[32];
    b.get(claimed);
    return new VestingSchedule(
        beneficiary, Amount.fromBytes(total), start, cliff, duration, Amount.fromBytes(claimed));
  }
}
