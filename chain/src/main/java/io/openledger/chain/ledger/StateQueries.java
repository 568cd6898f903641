package io.openledger.chain.ledger;

import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Accounts and module storage at a block, and calls simulated against them. Each read sees one
 * block's state; old states stay readable unless the node prunes them, and a read of a pruned
 * block's state throws {@link StateUnavailableException}.
 *
 * <p>Empty when the block does not exist. {@link BlockRef#PENDING} reads the state after the block
 * being built (see {@link ChainQueries#block(BlockRef)}).
 */
public interface StateQueries {

  Optional<Amount> balance(Address account, BlockRef block);

  /**
   * The account's nonce at a block; for {@link BlockRef#PENDING} the next nonce counting the
   * sender's executable pending transactions ({@code eth_getTransactionCount(addr, "pending")}).
   */
  OptionalLong nonce(Address account, BlockRef block);

  /**
   * Code at an address: empty for accounts; a system module reports a short marker so that tools
   * which check {@code eth_getCode} before calling a contract see code there.
   */
  Optional<byte[]> code(Address account, BlockRef block);

  /** Proof of an account and of module storage slots at a block's state root. */
  QueryResult<AccountProof> proof(Address account, List<Hash> storageKeys, BlockRef block);

  /**
   * The whole state at a block, read without gas: what the node's own services (the inference gate,
   * the indexer, the read API) use to read module storage through the modules' static readers.
   */
  Optional<StateReader> state(BlockRef block);

  /** Runs a call against a block's state without committing anything ({@code eth_call}). */
  CallResult call(CallRequest request, BlockRef block);

  /** The least gas limit with which the call succeeds ({@code eth_estimateGas}). */
  CallResult estimateGas(CallRequest request, BlockRef block);
}
