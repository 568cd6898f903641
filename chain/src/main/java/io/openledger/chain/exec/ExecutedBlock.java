package io.openledger.chain.exec;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.state.StateCommit;
import io.openledger.chain.state.Supply;
import java.util.List;

/**
 * A block made or replayed by {@link BlockExecutor}: everything the ledger stores, in one value.
 * Commit it by putting {@link #stateCommit()}'s writes, the block and the receipts into one batch.
 *
 * @param block the complete block: header (state root, roots, bloom, gas used) and the included
 *     transactions in execution order
 * @param receipts one per included transaction, same order
 * @param results execution details per included transaction (return data, revert reasons)
 * @param skipped candidates left out, with the reason
 * @param stateCommit the new state root and the trie nodes to write
 * @param supply the supply counters after the block
 */
public record ExecutedBlock(
    Block block,
    List<Receipt> receipts,
    List<TransactionResult> results,
    List<SkippedTransaction> skipped,
    StateCommit stateCommit,
    Supply supply) {

  public ExecutedBlock {
    receipts = List.copyOf(receipts);
    results = List.copyOf(results);
    skipped = List.copyOf(skipped);
  }

  public long gasUsed() {
    return block.header().gasUsed();
  }
}
