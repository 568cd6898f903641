package io.openledger.chain.ledger;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;

/**
 * An unsigned call for {@code eth_call} and {@code eth_estimateGas}; every field but {@code to} may
 * be null (defaults: zero address as sender, the block gas limit, zero price and value, no data).
 */
public record CallRequest(
    Address from,
    Address to,
    Long gas,
    Amount gasPrice,
    Amount maxFeePerGas,
    Amount maxPriorityFeePerGas,
    Amount value,
    byte[] data) {}
