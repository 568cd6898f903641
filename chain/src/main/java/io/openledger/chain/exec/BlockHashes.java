package io.openledger.chain.exec;

import io.openledger.chain.types.Hash;
import java.util.Optional;

/**
 * Hashes of earlier blocks, as a block's execution may read them (Multicall3's {@code
 * getBlockHash}, like the EVM's {@code BLOCKHASH}): the canonical chain, which a single sequencer
 * never reorganises, so every node reading its own store answers the same.
 */
@FunctionalInterface
public interface BlockHashes {
  /** Knows no block (execution then sees only the parent's hash, from the environment). */
  BlockHashes NONE = number -> Optional.empty();

  /** The hash of block {@code number}, empty when there is none. */
  Optional<Hash> hashOf(long number);
}
