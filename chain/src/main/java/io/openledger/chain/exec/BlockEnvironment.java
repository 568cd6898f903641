package io.openledger.chain.exec;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;

/**
 * The block a transaction executes in: what the sequencer decided before executing anything.
 *
 * @param parentHash hash of the parent header
 * @param number height of this block
 * @param timestamp seconds since the Unix epoch (module calls such as vesting read it)
 * @param baseFee EIP-1559 base fee of this block, base units per gas
 * @param gasLimit the most gas this block may use
 * @param sequencer who makes the block; receives the priority fees
 */
public record BlockEnvironment(
    Hash parentHash,
    long number,
    long timestamp,
    Amount baseFee,
    long gasLimit,
    Address sequencer) {

  public BlockEnvironment {
    if (number < 0 || timestamp < 0 || gasLimit < 0) {
      throw new IllegalArgumentException("block number, timestamp and gas limit must be >= 0");
    }
  }

  /**
   * The environment of the block after {@code parent}, with the base fee the fee market derives
   * from the parent.
   */
  public static BlockEnvironment after(
      BlockHeader parent, long timestamp, long gasLimit, Address sequencer, FeeMarket fees) {
    Amount baseFee =
        parent.number() == 0
            ? fees.initialBaseFee()
            : fees.nextBaseFee(parent.gasUsed(), parent.gasLimit(), parent.baseFeePerGas());
    return new BlockEnvironment(
        parent.hash(), parent.number() + 1, timestamp, baseFee, gasLimit, sequencer);
  }

  /** The environment a stored block was executed in (for replay). */
  public static BlockEnvironment of(BlockHeader header) {
    return new BlockEnvironment(
        header.parentHash(),
        header.number(),
        header.timestamp(),
        header.baseFeePerGas(),
        header.gasLimit(),
        header.sequencer());
  }
}
