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
 * @param history hashes of earlier blocks (what {@link #blockHash} reads)
 */
public record BlockEnvironment(
    Hash parentHash,
    long number,
    long timestamp,
    Amount baseFee,
    long gasLimit,
    Address sequencer,
    BlockHashes history) {

  /** How far back {@link #blockHash} sees, as the EVM's {@code BLOCKHASH}. */
  public static final int BLOCK_HASH_WINDOW = 256;

  public BlockEnvironment {
    if (number < 0 || timestamp < 0 || gasLimit < 0) {
      throw new IllegalArgumentException("block number, timestamp and gas limit must be >= 0");
    }
    java.util.Objects.requireNonNull(history, "history");
  }

  /** An environment that knows no block but its parent. */
  public BlockEnvironment(
      Hash parentHash,
      long number,
      long timestamp,
      Amount baseFee,
      long gasLimit,
      Address sequencer) {
    this(parentHash, number, timestamp, baseFee, gasLimit, sequencer, BlockHashes.NONE);
  }

  /** The same block, reading earlier block hashes from {@code blocks}. */
  public BlockEnvironment withHistory(BlockHashes blocks) {
    return new BlockEnvironment(
        parentHash, number, timestamp, baseFee, gasLimit, sequencer, blocks);
  }

  /**
   * The hash of block {@code n} as the EVM's {@code BLOCKHASH} gives it: one of the {@value
   * #BLOCK_HASH_WINDOW} blocks before this one, else zero (this block's own hash is not known while
   * it executes).
   */
  public Hash blockHash(long n) {
    if (n < 0 || n >= number || n < number - BLOCK_HASH_WINDOW) {
      return Hash.ZERO;
    }
    if (n == number - 1) {
      return parentHash;
    }
    return history.hashOf(n).orElse(Hash.ZERO);
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
