package io.openledger.chain.ledger;

import io.openledger.chain.tx.Transaction;
import java.util.List;

/**
 * The ledger of a follower node: it makes no blocks and takes no transactions (its JSON-RPC serves
 * the chain read-only and refuses {@code eth_sendRawTransaction}); its blocks are imported, one
 * after the other, from what the sequencer posted to L1 (docs/settlement.md, "The follower").
 * Opened with {@link Ledger#openFollower}.
 */
public interface FollowerLedger extends Ledger {
  /** What {@link #submit} answers on a follower. */
  String READ_ONLY =
      "this node follows L1 (--follow-l1) and serves the chain read-only: send transactions to the"
          + " sequencer";

  /**
   * Executes and commits the block after the head with exactly these transactions at {@code
   * timestamp}, in the environment the sequencer uses (the chain spec's gas limit and sequencer,
   * the base fee by the fee market), and stores it as the sequencer stores its blocks.
   *
   * @throws io.openledger.chain.sequencer.Sequencer.BlockRefused naming the block and the first
   *     transaction that does not apply, or a timestamp that does not follow the head's; nothing is
   *     written
   */
  BlockView importBlock(long timestamp, List<Transaction> transactions);
}
