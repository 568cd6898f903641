package io.openledger.chain.exec;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;

/**
 * An unsigned call for eth_call / eth_estimateGas. Every field except {@code to} may be null:
 * sender defaults to the zero address, gas to the block gas limit, prices and value to zero, data
 * to empty. With no price given no fee is charged (as go-ethereum does for eth_call).
 */
public record Call(
    Address from,
    Address to,
    Long gas,
    Amount gasPrice,
    Amount maxFeePerGas,
    Amount maxPriorityFeePerGas,
    Amount value,
    byte[] data) {

  /** A plain call with only a recipient and data. */
  public static Call of(Address from, Address to, byte[] data) {
    return new Call(from, to, null, null, null, null, null, data);
  }

  public Call withGas(long g) {
    return new Call(from, to, g, gasPrice, maxFeePerGas, maxPriorityFeePerGas, value, data);
  }
}
