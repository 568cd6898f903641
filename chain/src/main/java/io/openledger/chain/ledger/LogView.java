package io.openledger.chain.ledger;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.List;

/**
 * One event log with its position, as {@code eth_getLogs} and receipts show it.
 *
 * @param topics 0 to 4 topics; topic 0 is the event signature hash
 * @param logIndex position among all logs of the block
 * @param removed always false: a single sequencer does not reorganise
 */
public record LogView(
    Address address,
    List<Hash> topics,
    byte[] data,
    long blockNumber,
    Hash blockHash,
    Hash transactionHash,
    int transactionIndex,
    int logIndex,
    boolean removed) {}
