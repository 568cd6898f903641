package io.openledger.chain.governance;

import io.openledger.chain.module.SystemModule.Slots;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A history of one amount (an account's votes, or all OPEN locked) as OpenZeppelin's {@code
 * Checkpoints}: one entry per block that changed it, in block order, found by binary search. Each
 * entry keeps the block's number and timestamp (both strictly increase from block to block), so the
 * amount at the end of a block can be found by either.
 *
 * <p>Storage under {@code key}: {@code "n" ++ key} → the count (8 bytes); {@code "c" ++ key ++
 * index (8)} → timestamp (8) ++ blockNumber (8) ++ amount (32).
 */
final class Checkpoints {
  /** Writes a slot of the governance module's storage. */
  interface Writer {
    void store(byte[] slot, byte[] value);
  }

  record Checkpoint(long timestamp, long blockNumber, BigInteger amount) {
    byte[] encode() {
      byte[] a = GovernanceModule.word(amount);
      return ByteBuffer.allocate(48).putLong(timestamp).putLong(blockNumber).put(a).array();
    }

    static Checkpoint decode(byte[] b) {
      ByteBuffer bb = ByteBuffer.wrap(b);
      return new Checkpoint(
          bb.getLong(), bb.getLong(), new BigInteger(1, Arrays.copyOfRange(b, 16, 48)));
    }
  }

  private Checkpoints() {}

  static long count(Slots s, byte[] key) {
    return s.load(countSlot(key)).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
  }

  static Checkpoint at(Slots s, byte[] key, long index) {
    return Checkpoint.decode(s.load(entrySlot(key, index)).orElseThrow());
  }

  /** The amount now (the latest entry), zero without one. */
  static BigInteger latest(Slots s, byte[] key) {
    long n = count(s, key);
    return n == 0 ? BigInteger.ZERO : at(s, key, n - 1).amount();
  }

  /**
   * Records {@code amount} for the block: replaces the latest entry when it is of the same block,
   * else appends one.
   */
  static void push(Slots s, Writer w, byte[] key, long timestamp, long block, BigInteger amount) {
    long n = count(s, key);
    Checkpoint c = new Checkpoint(timestamp, block, amount);
    if (n > 0 && at(s, key, n - 1).blockNumber() == block) {
      w.store(entrySlot(key, n - 1), c.encode());
      return;
    }
    w.store(entrySlot(key, n), c.encode());
    w.store(countSlot(key), ByteBuffer.allocate(8).putLong(n + 1).array());
  }

  /** The amount at the end of the last block with a timestamp at most {@code timestamp}. */
  static BigInteger upperLookupByTime(Slots s, byte[] key, long timestamp) {
    return upperLookup(s, key, timestamp, true);
  }

  /** The amount at the end of block {@code block}. */
  static BigInteger upperLookupByBlock(Slots s, byte[] key, long block) {
    return upperLookup(s, key, block, false);
  }

  private static BigInteger upperLookup(Slots s, byte[] key, long x, boolean byTime) {
    long lo = 0;
    long hi = count(s, key); // first entry whose key exceeds x lies in [lo, hi]
    BigInteger found = BigInteger.ZERO;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      Checkpoint c = at(s, key, mid);
      long k = byTime ? c.timestamp() : c.blockNumber();
      if (k > x) {
        hi = mid;
      } else {
        found = c.amount();
        lo = mid + 1;
      }
    }
    return found;
  }

  private static byte[] countSlot(byte[] key) {
    return concat(new byte[] {'n'}, key);
  }

  private static byte[] entrySlot(byte[] key, long index) {
    return concat(concat(new byte[] {'c'}, key), ByteBuffer.allocate(8).putLong(index).array());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
