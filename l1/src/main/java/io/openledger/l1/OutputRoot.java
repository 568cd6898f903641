package io.openledger.l1;

import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Hash;
import java.util.Objects;

/**
 * The preimage of an output root the proposer posts to the OutputOracle for an L2 block (the
 * Portal's {@code OutputRootProof}); docs/settlement.md, "Output roots".
 *
 * @param stateRoot the block's state root (the sparse Merkle tree, docs/state-commitment.md)
 * @param withdrawalsRoot the bridge module's withdrawal hash chain after the block ({@link
 *     Withdrawal#chain})
 * @param blockHash the block's hash
 */
public record OutputRoot(Hash stateRoot, Hash withdrawalsRoot, Hash blockHash) {
  /** Version 0, the only one: the first 32-byte word of the preimage. */
  public static final Hash VERSION_0 = Hash.ZERO;

  public OutputRoot {
    Objects.requireNonNull(stateRoot, "stateRoot");
    Objects.requireNonNull(withdrawalsRoot, "withdrawalsRoot");
    Objects.requireNonNull(blockHash, "blockHash");
  }

  /**
   * The output of a committed L2 block: its state root and hash, and the bridge module's
   * withdrawals root in {@code stateAfter}, the state after that block.
   */
  public static OutputRoot of(BlockView block, StateReader stateAfter) {
    return new OutputRoot(
        block.stateRoot(), BridgeModule.withdrawalsRoot(stateAfter), block.hash());
  }

  /**
   * {@code keccak256(version ++ stateRoot ++ withdrawalsRoot ++ blockHash)}, 128 bytes (Solidity's
   * {@code abi.encode} of four bytes32).
   */
  public Hash hash() {
    return Hash.keccak256(
        VERSION_0.toArray(), stateRoot.toArray(), withdrawalsRoot.toArray(), blockHash.toArray());
  }
}
