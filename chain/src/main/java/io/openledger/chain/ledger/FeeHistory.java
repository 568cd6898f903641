package io.openledger.chain.ledger;

import io.openledger.chain.types.Amount;
import java.util.List;

/**
 * {@code eth_feeHistory} over blocks {@code oldestBlock .. oldestBlock + gasUsedRatio.size() - 1}.
 *
 * @param baseFeePerGas one entry per block plus the next block's base fee
 * @param gasUsedRatio gas used / gas limit per block (display only, never consensus)
 * @param reward per block, the effective priority fee at each requested percentile, weighted by gas
 *     used as geth does; empty lists when no percentiles were asked
 */
public record FeeHistory(
    long oldestBlock,
    List<Amount> baseFeePerGas,
    List<Double> gasUsedRatio,
    List<List<Amount>> reward) {}
