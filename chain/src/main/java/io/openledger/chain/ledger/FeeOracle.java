package io.openledger.chain.ledger;

import io.openledger.chain.types.Amount;
import java.util.List;

/** What gas costs now and what it cost: the next base fee, a suggested tip, the fee history. */
public interface FeeOracle {

  /** Base fee of the next block (base units per gas). */
  Amount nextBaseFee();

  /** Suggested priority fee ({@code eth_maxPriorityFeePerGas}), from recent blocks' tips. */
  Amount maxPriorityFeePerGas();

  /** {@link #nextBaseFee()} + {@link #maxPriorityFeePerGas()} ({@code eth_gasPrice}). */
  Amount gasPrice();

  /**
   * {@code eth_feeHistory}: up to 1,024 blocks ending at {@code newest}; percentiles must be
   * increasing within [0, 100].
   */
  QueryResult<FeeHistory> feeHistory(int blockCount, BlockRef newest, List<Double> percentiles);
}
