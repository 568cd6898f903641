package io.openledger.chain.mempool;

/**
 * Limits of the transaction pool.
 *
 * @param maxPerSender most transactions (pending + queued) one sender may hold
 * @param maxTotal most transactions in the pool; when full, the cheapest by effective tip is
 *     evicted for a better-paying newcomer
 * @param nonceWindow a nonce more than this far above the sender's next nonce is refused ("nonce
 *     too high") rather than queued
 * @param priceBumpPercent a replacement of the same (sender, nonce) must raise both the max fee and
 *     the priority fee by at least this many percent
 * @param maxTxBytes largest raw transaction accepted ("oversized data")
 */
public record MempoolConfig(
    int maxPerSender, int maxTotal, int nonceWindow, int priceBumpPercent, int maxTxBytes) {

  public static final MempoolConfig DEFAULT = new MempoolConfig(64, 100_000, 64, 10, 128 * 1024);

  public MempoolConfig {
    if (maxPerSender < 1 || maxTotal < 1 || nonceWindow < 1 || priceBumpPercent < 0) {
      throw new IllegalArgumentException("mempool limits must be positive");
    }
    if (maxTxBytes < 1) {
      throw new IllegalArgumentException("maxTxBytes must be positive");
    }
  }

  public MempoolConfig withMaxTotal(int total) {
    return new MempoolConfig(maxPerSender, total, nonceWindow, priceBumpPercent, maxTxBytes);
  }

  public MempoolConfig withMaxPerSender(int perSender) {
    return new MempoolConfig(perSender, maxTotal, nonceWindow, priceBumpPercent, maxTxBytes);
  }
}
