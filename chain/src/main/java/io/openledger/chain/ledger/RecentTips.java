package io.openledger.chain.ledger;

import io.openledger.chain.block.Block;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Amount;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The priority-fee suggestion ({@code eth_maxPriorityFeePerGas}), geth's oracle in miniature: the
 * three lowest effective tips of each of the last 20 blocks, and the 60th percentile of those,
 * never below a floor. Kept in memory as blocks are committed, so a suggestion reads no storage.
 */
final class RecentTips {
  static final int BLOCKS = 20;
  static final int PER_BLOCK = 3;
  static final int PERCENTILE = 60;

  private final Amount floor;
  private final ArrayDeque<List<Amount>> window = new ArrayDeque<>();

  /**
   * @param floor base units per gas suggested when recent blocks say nothing lower is enough
   */
  RecentTips(Amount floor) {
    this.floor = floor;
  }

  synchronized void record(Block block) {
    Amount baseFee = block.header().baseFeePerGas();
    List<Amount> tips = new ArrayList<>(block.transactions().size());
    for (Transaction tx : block.transactions()) {
      if (tx instanceof DepositTransaction) {
        continue; // no fee: not a price anyone paid
      }
      tips.add(tx.effectivePriorityFee(baseFee));
    }
    Collections.sort(tips);
    window.addLast(List.copyOf(tips.subList(0, Math.min(PER_BLOCK, tips.size()))));
    while (window.size() > BLOCKS) {
      window.removeFirst();
    }
  }

  synchronized Amount suggestion() {
    List<Amount> all = new ArrayList<>();
    window.forEach(all::addAll);
    if (all.isEmpty()) {
      return floor;
    }
    Collections.sort(all);
    Amount p = all.get((all.size() - 1) * PERCENTILE / 100);
    return p.max(floor);
  }
}
