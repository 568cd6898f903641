package io.openledger.chain.ledger;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.sequencer.Sequencer;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.Snapshot;
import io.openledger.chain.types.Amount;
import java.util.List;

/**
 * {@link FeeOracle} of a node: the next base fee as its sequencer will charge it, tips suggested
 * from the last blocks it committed, the history read from its store.
 */
final class NodeFeeOracle implements FeeOracle {
  /** Suggested tip when recent blocks say nothing: 0.001 gwei, as OP-Stack chains suggest. */
  static final Amount TIP_FLOOR = Amount.of(1_000_000L);

  private final ProtocolSchedule protocol;
  private final KeyValueStore store;
  private final ChainHead head;
  private final Sequencer sequencer;
  private final RecentTips tips = new RecentTips(TIP_FLOOR);

  NodeFeeOracle(
      ProtocolSchedule protocol, KeyValueStore store, ChainHead head, Sequencer sequencer) {
    this.protocol = protocol;
    this.store = store;
    this.head = head;
    this.sequencer = sequencer;
  }

  /** The base fee of the block after {@code parent}, under the rules of that block. */
  static Amount nextBaseFeeAfter(ProtocolSchedule protocol, BlockHeader parent) {
    var fees = protocol.rulesAt(parent.number() + 1).feeMarket();
    return parent.number() == 0
        ? fees.initialBaseFee()
        : fees.nextBaseFee(parent.gasUsed(), parent.gasLimit(), parent.baseFeePerGas());
  }

  /** Takes a committed block's tips into the suggestion. */
  void record(Block block) {
    tips.record(block);
  }

  @Override
  public Amount nextBaseFee() {
    return sequencer.nextBaseFee();
  }

  @Override
  public Amount maxPriorityFeePerGas() {
    return tips.suggestion();
  }

  @Override
  public Amount gasPrice() {
    return nextBaseFee().add(maxPriorityFeePerGas());
  }

  @Override
  public QueryResult<FeeHistory> feeHistory(
      int blockCount, BlockRef newest, List<Double> percentiles) {
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return FeeHistories.compute(
          blockCount,
          newest,
          percentiles,
          ref -> head.resolve(ref, c).map(StoredHeader::header),
          c,
          parent -> nextBaseFeeAfter(protocol, parent));
    }
  }
}
