package io.openledger.chain.ledger;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.List;

/**
 * A committed block as JSON-RPC shows it ({@code eth_getBlockByNumber}). Fields Ethereum keeps but
 * an L2 without proof of work does not use (difficulty, nonce, uncles, mix hash) are zero or empty
 * and left to the RPC layer.
 *
 * @param logsBloom 256 bytes
 * @param timestamp seconds since the Unix epoch
 * @param baseFeePerGas base units (10^18 per OPEN) per gas
 * @param sequencer the block's coinbase ({@code miner} in JSON-RPC): receives priority fees
 * @param size bytes of the block's canonical encoding
 * @param hash null for the pending block (not sealed yet)
 * @param transactions in block order, each with its {@link TransactionView#inclusion()} set (unset
 *     in the pending block)
 */
public record BlockView(
    long number,
    Hash hash,
    Hash parentHash,
    long timestamp,
    Hash stateRoot,
    Hash transactionsRoot,
    Hash receiptsRoot,
    byte[] logsBloom,
    long gasUsed,
    long gasLimit,
    Amount baseFeePerGas,
    Address sequencer,
    byte[] extraData,
    long size,
    List<TransactionView> transactions) {

  /** The block being built ({@code pending}): no hash yet. */
  public boolean isPending() {
    return hash == null;
  }

  public List<Hash> transactionHashes() {
    return transactions.stream().map(TransactionView::hash).toList();
  }
}
