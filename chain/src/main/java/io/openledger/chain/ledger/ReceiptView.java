package io.openledger.chain.ledger;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.List;

/**
 * The receipt of a mined transaction ({@code eth_getTransactionReceipt}). Visible only after its
 * block is durably committed, so a receipt a client saw survives a crash.
 *
 * @param to null for contract creation
 * @param cumulativeGasUsed gas used by this and all earlier transactions of the block
 * @param effectiveGasPrice base units per gas actually paid: {@code min(maxFee, baseFee + tip)}
 * @param success status 1 (true) or 0 (reverted)
 * @param logsBloom 256 bytes
 * @param contractAddress null (no contract creation yet)
 */
public record ReceiptView(
    Hash transactionHash,
    int transactionIndex,
    Hash blockHash,
    long blockNumber,
    Address from,
    Address to,
    long cumulativeGasUsed,
    long gasUsed,
    Amount effectiveGasPrice,
    boolean success,
    List<LogView> logs,
    byte[] logsBloom,
    int type,
    Address contractAddress) {}
