package io.openledger.chain.ledger;

import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.Optional;

/**
 * The chain's history as clients read it: blocks, transactions (mined, or still in the pool),
 * receipts and logs. Reads see one committed block, never half a block; a receipt is visible only
 * after its block is durably committed. Every method may be called from any thread.
 *
 * <p>{@link Optional#empty()} means "no such block/transaction" (JSON-RPC {@code null}); inputs the
 * caller got wrong come back as {@link QueryResult.Failed} with the message Ethereum clients
 * expect.
 */
public interface ChainQueries {

  /** EIP-155 chain id (1337 devnet, 161201 testnet, 1612 mainnet, or as the genesis says). */
  long chainId();

  /** Number of the latest committed block ({@code eth_blockNumber}). */
  long headNumber();

  /**
   * A committed block; {@code safe} and {@code finalized} give the head; {@code pending} the block
   * being built (number head + 1, no hash yet, the pool's transactions the next block would take,
   * executed but not committed).
   */
  Optional<BlockView> block(BlockRef ref);

  Optional<BlockView> blockByHash(Hash hash);

  /** A mined transaction (with its block) or a pending one; empty when unknown. */
  Optional<TransactionView> transaction(Hash txHash);

  /** The {@code index}-th transaction of a block ({@code eth_getTransactionByBlock*AndIndex}). */
  Optional<TransactionView> transactionByBlock(BlockRef block, int index);

  /**
   * The signed bytes of a mined or pending transaction ({@code eth_getRawTransactionByHash}), as
   * {@code eth_sendRawTransaction} took them; empty when unknown.
   */
  Optional<byte[]> rawTransaction(Hash txHash);

  /** The receipt of a mined transaction; empty while pending or unknown. */
  Optional<ReceiptView> receipt(Hash txHash);

  /** All receipts of a block in order ({@code eth_getBlockReceipts}); empty if no such block. */
  Optional<List<ReceiptView>> blockReceipts(BlockRef block);

  /**
   * Logs matching a filter, in chain order, over any block range (read from the log index); refused
   * with "query returned more than 10000 results. Try with this block range [...]." when more than
   * {@link LogFilter#MAX_RESULTS} match.
   */
  QueryResult<List<LogView>> logs(LogFilter filter);
}
