package io.openledger.chain.sequencer;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.SkippedTransaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.List;

/**
 * A block durably written (one synced batch), as handed to whoever follows the chain.
 *
 * @param executed the block, its receipts and execution details
 * @param hash the block hash
 * @param senders signer of each transaction, in block order
 */
public record CommittedBlock(ExecutedBlock executed, Hash hash, List<Address> senders) {
  public Block block() {
    return executed.block();
  }

  public List<Receipt> receipts() {
    return executed.receipts();
  }

  /** Candidates left out that can never be included: to remove from the pool. */
  public List<SkippedTransaction> dropped() {
    return executed.skipped().stream().filter(s -> !s.retryable()).toList();
  }
}
