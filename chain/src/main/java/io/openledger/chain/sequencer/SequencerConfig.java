package io.openledger.chain.sequencer;

import java.time.Duration;

/**
 * When the sequencer makes blocks.
 *
 * @param blockInterval time between blocks in {@link Production#INTERVAL} mode (default 2 s); the
 *     shortest gap between blocks in {@link Production#WHEN_PENDING} mode is zero
 * @param production what triggers a block
 * @param maxTransactionsPerBlock cap besides the gas limit, bounding one block's commit latency
 */
public record SequencerConfig(
    Duration blockInterval, Production production, int maxTransactionsPerBlock) {

  /** What triggers a block. */
  public enum Production {
    /** A block every {@code blockInterval}, empty or not, as OpenLedger's L2 does. */
    INTERVAL,
    /**
     * A block as soon as transactions are pending and the previous block is committed, and at least
     * every {@code blockInterval} otherwise (for benchmarks: latency of one build, not of a tick).
     */
    WHEN_PENDING,
    /** Only when asked ({@code Ledger.produceBlock()}): for tests. */
    ON_DEMAND
  }

  public static final SequencerConfig DEFAULT =
      new SequencerConfig(Duration.ofSeconds(2), Production.INTERVAL, 50_000);

  public SequencerConfig {
    if (blockInterval.isNegative() || blockInterval.isZero()) {
      throw new IllegalArgumentException("block interval must be positive: " + blockInterval);
    }
    if (maxTransactionsPerBlock < 1) {
      throw new IllegalArgumentException("maxTransactionsPerBlock must be positive");
    }
  }

  public static SequencerConfig onDemand() {
    return new SequencerConfig(Duration.ofSeconds(2), Production.ON_DEMAND, 50_000);
  }

  public SequencerConfig withProduction(Production p) {
    return new SequencerConfig(blockInterval, p, maxTransactionsPerBlock);
  }

  public SequencerConfig withBlockInterval(Duration interval) {
    return new SequencerConfig(interval, production, maxTransactionsPerBlock);
  }
}
