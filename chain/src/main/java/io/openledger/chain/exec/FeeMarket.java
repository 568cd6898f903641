package io.openledger.chain.exec;

import io.openledger.chain.types.Amount;

/**
 * The fee rules of a protocol version: how the base fee moves from block to block and what a
 * transaction pays per gas. Amounts are in base units per gas (10^18 base units per OPEN). A change
 * of rule is a new implementation, so old blocks replay under their own rules.
 */
public interface FeeMarket {

  /** Version tag of these rules. */
  int version();

  /** Base fee of the first block after genesis, per gas. */
  Amount initialBaseFee();

  /** The base fee never falls below this, per gas. */
  Amount minimumBaseFee();

  /**
   * Base fee of the block after a parent with the given gas used, gas limit and base fee.
   *
   * @param parentGasUsed gas used by the parent block
   * @param parentGasLimit gas limit of the parent block
   * @param parentBaseFee base fee per gas of the parent block
   */
  Amount nextBaseFee(long parentGasUsed, long parentGasLimit, Amount parentBaseFee);

  /**
   * What a transaction pays per gas in a block with the given base fee: {@code min(maxFeePerGas,
   * baseFee + maxPriorityFeePerGas)} (EIP-1559). For a legacy transaction both caps are its gas
   * price. The caller has checked that {@code maxFeePerGas >= baseFee}.
   */
  default Amount effectiveGasPrice(
      Amount maxFeePerGas, Amount maxPriorityFeePerGas, Amount baseFee) {
    return maxFeePerGas.min(baseFee.add(maxPriorityFeePerGas));
  }

  /**
   * What the sequencer earns per gas: {@code effectiveGasPrice - baseFee}; what the block orders
   * by.
   */
  default Amount priorityFeePerGas(
      Amount maxFeePerGas, Amount maxPriorityFeePerGas, Amount baseFee) {
    return effectiveGasPrice(maxFeePerGas, maxPriorityFeePerGas, baseFee).subtract(baseFee);
  }
}
