package io.openledger.chain.mempool;

/**
 * Limits of the transaction pool, after go-ethereum's (legacypool {@code AccountSlots}, {@code
 * GlobalSlots}, {@code AccountQueue}): every sender is guaranteed a number of pending slots, and
 * gets more while the pool has room.
 *
 * @param accountSlots pending (executable, gap-free) transactions every sender may hold, whatever
 *     the pool holds (geth: 16)
 * @param globalSlots beyond {@code accountSlots}, a sender's next pending transaction is admitted
 *     only while the pool holds fewer than this many transactions
 * @param accountQueue queued transactions (behind a nonce gap) one sender may hold (geth: 64)
 * @param maxTotal most transactions in the pool; when full, the cheapest by effective tip is
 *     evicted for a better-paying newcomer
 * @param priceBumpPercent a replacement of the same (sender, nonce) must raise both the max fee and
 *     the priority fee by at least this many percent
 * @param maxTxBytes largest raw transaction accepted ("oversized data")
 */
public record MempoolConfig(
    int accountSlots,
    int globalSlots,
    int accountQueue,
    int maxTotal,
    int priceBumpPercent,
    int maxTxBytes) {

  public static final MempoolConfig DEFAULT =
      new MempoolConfig(16, 50_000, 64, 100_000, 10, 128 * 1024);

  public MempoolConfig {
    if (accountSlots < 1 || globalSlots < 0 || accountQueue < 0 || maxTotal < 1) {
      throw new IllegalArgumentException(
          "mempool limits must be positive: accountSlots "
              + accountSlots
              + ", globalSlots "
              + globalSlots
              + ", accountQueue "
              + accountQueue
              + ", maxTotal "
              + maxTotal);
    }
    if (priceBumpPercent < 0) {
      throw new IllegalArgumentException("priceBumpPercent must not be negative");
    }
    if (maxTxBytes < 1) {
      throw new IllegalArgumentException("maxTxBytes must be positive");
    }
  }

  /** The hard cap; {@code globalSlots} stays at most the cap. */
  public MempoolConfig withMaxTotal(int total) {
    return new MempoolConfig(
        accountSlots,
        Math.min(globalSlots, total),
        accountQueue,
        total,
        priceBumpPercent,
        maxTxBytes);
  }

  public MempoolConfig withGlobalSlots(int slots) {
    return new MempoolConfig(
        accountSlots, slots, accountQueue, maxTotal, priceBumpPercent, maxTxBytes);
  }

  public MempoolConfig withAccountSlots(int slots) {
    return new MempoolConfig(
        slots, globalSlots, accountQueue, maxTotal, priceBumpPercent, maxTxBytes);
  }

  public MempoolConfig withAccountQueue(int queue) {
    return new MempoolConfig(
        accountSlots, globalSlots, queue, maxTotal, priceBumpPercent, maxTxBytes);
  }
}
