package io.openledger.chain.ledger;

import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The node's chain as the JSON-RPC server and the CLI see it: submit transactions, read blocks,
 * transactions, receipts, accounts and logs, simulate calls, follow new blocks. One instance owns
 * one data directory (RocksDB), the mempool and the sequencer that turns pending transactions into
 * blocks.
 *
 * <p>Opened with {@code Ledger.open(Path dataDir, Genesis genesis, LedgerConfig config)} (added
 * with the implementation): a fresh directory gets the genesis block 0; a used one recovers its
 * head and reloads its pending transactions; a directory made for another genesis or chain id, or
 * locked by another running node, is refused with a {@link LedgerOpenException}.
 *
 * <p>On disk: the chain (blocks, receipts, indexes, state tree) in RocksDB at {@code dataDir}, the
 * persisted pool in a second RocksDB at {@code dataDir/pool} (so admissions never wait behind a
 * block's synced write). Old state roots stay readable: nothing is pruned.
 *
 * <p>Thread safety: every method may be called from any thread. Reads see one committed block's
 * state (a RocksDB snapshot), never half a block. A receipt becomes visible only after its block is
 * durably committed.
 *
 * <p>Methods answering {@link Optional#empty()} mean "no such block/transaction" (JSON-RPC {@code
 * null}); inputs the caller got wrong come back as {@link QueryResult.Failed} or {@link
 * SubmitResult.Rejected} with the message Ethereum clients expect.
 */
public interface Ledger extends AutoCloseable {

  /**
   * Opens (creating on first use) the ledger in {@code dataDir} and starts its sequencer.
   *
   * @throws LedgerOpenException when the directory belongs to another chain, is locked by another
   *     running node, or cannot be read; the message says which and what to do
   */
  static Ledger open(Path dataDir, ChainSpec spec, LedgerConfig config) {
    return open(dataDir, spec, config, InstantSource.system());
  }

  /**
   * Opens the ledger of a genesis file's chain ({@code Genesis.devnet()}, {@code Genesis.load}). A
   * genesis with timestamp 0 (devnet) gets the time the directory is created, kept on reopening.
   */
  static Ledger open(Path dataDir, Genesis genesis, LedgerConfig config) {
    return open(dataDir, ChainSpec.from(genesis), config, InstantSource.system());
  }

  /** {@link #open(Path, ChainSpec, LedgerConfig)} with the sequencer's clock given (tests). */
  static Ledger open(Path dataDir, ChainSpec spec, LedgerConfig config, InstantSource clock) {
    return NodeLedger.open(dataDir, spec, config, clock);
  }

  /**
   * Opens (creating on first use) the ledger of a follower in {@code dataDir}: the same store as a
   * sequencer's, but no block production and no pool; blocks come in through {@link
   * FollowerLedger#importBlock}. A follower needs a genesis with a fixed timestamp ({@code
   * spec.genesisTimestamp()} not 0): block 0 must be the sequencer's.
   *
   * @throws LedgerOpenException as {@link #open}, and when the genesis timestamp is 0
   */
  static FollowerLedger openFollower(Path dataDir, ChainSpec spec, LedgerConfig config) {
    if (spec.genesisTimestamp() == 0) {
      throw new LedgerOpenException(
          "a follower needs the genesis timestamp of the chain it follows (its block 0): this"
              + " genesis has timestamp 0, which a sequencer replaces with its creation time");
    }
    return NodeLedger.openFollower(dataDir, spec, config);
  }

  // ---- chain ----

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

  // ---- transactions ----

  /**
   * Decodes, verifies (signature, chain id, intrinsic gas, size) and admits a signed transaction
   * ({@code eth_sendRawTransaction}) against the pending state: nonce, balance including the
   * sender's pending spends, fee against the next block's base fee. Accepted only after the
   * transaction is written to the store's log, so it survives a crash of the node (and a power loss
   * too with {@link LedgerConfig#syncAdmissions()}). Rejected input changes nothing.
   */
  SubmitResult submit(byte[] rawTransaction);

  /**
   * {@link #submit} for many transactions at once (a JSON-RPC batch): signatures are recovered in
   * parallel and the pool is persisted with one write; results in the order given.
   */
  List<SubmitResult> submitAll(List<byte[]> rawTransactions);

  /** A mined transaction (with its block) or a pending one; empty when unknown. */
  Optional<TransactionView> transaction(Hash txHash);

  /** The {@code index}-th transaction of a block ({@code eth_getTransactionByBlock*AndIndex}). */
  Optional<TransactionView> transactionByBlock(BlockRef block, int index);

  /** The receipt of a mined transaction; empty while pending or unknown. */
  Optional<ReceiptView> receipt(Hash txHash);

  /** All receipts of a block in order ({@code eth_getBlockReceipts}); empty if no such block. */
  Optional<List<ReceiptView>> blockReceipts(BlockRef block);

  /** Pending and queued transactions, by sender then nonce. */
  List<TransactionView> pendingTransactions();

  /** The pool as {@code txpool_content} shows it: pending and queued, by sender then nonce. */
  PoolContent poolContent();

  /**
   * The signed bytes of a mined or pending transaction ({@code eth_getRawTransactionByHash}), as
   * {@code eth_sendRawTransaction} took them; empty when unknown.
   */
  Optional<byte[]> rawTransaction(Hash txHash);

  PoolStatus poolStatus();

  // ---- accounts (empty when the block does not exist; pending: the state after the block being
  // built, see block(PENDING)) ----

  Optional<Amount> balance(Address account, BlockRef block);

  /**
   * The whole state at a block, read without gas: what the node's own services (the inference gate,
   * the indexer, the read API) use to read module storage through the modules' static readers.
   * Empty when the block does not exist; {@code pending} is the state after the block being built.
   */
  Optional<StateReader> state(BlockRef block);

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

  // ---- simulation ----

  /** Runs a call against a block's state without committing anything ({@code eth_call}). */
  CallResult call(CallRequest request, BlockRef block);

  /** The least gas limit with which the call succeeds ({@code eth_estimateGas}). */
  CallResult estimateGas(CallRequest request, BlockRef block);

  // ---- fees ----

  /** Base fee of the next block (base units per gas). */
  Amount nextBaseFee();

  /** Suggested priority fee ({@code eth_maxPriorityFeePerGas}), from recent blocks' tips. */
  Amount maxPriorityFeePerGas();

  /** {@link #nextBaseFee()} + {@link #maxPriorityFeePerGas()} ({@code eth_gasPrice}). */
  Amount gasPrice();

  /**
   * {@code eth_feeHistory}: up to 1,024 blocks ending at {@code newest}; percentiles must be
   * increasing within [0, 100].
   */
  QueryResult<FeeHistory> feeHistory(int blockCount, BlockRef newest, List<Double> percentiles);

  // ---- logs and subscriptions ----

  /**
   * Logs matching a filter, in chain order, over any block range (read from the log index); refused
   * with "query returned more than 10000 results. Try with this block range [...]." when more than
   * {@link LogFilter#MAX_RESULTS} match.
   */
  QueryResult<List<LogView>> logs(LogFilter filter);

  /**
   * Calls {@code listener} with each new block after it is committed ({@code eth_subscribe
   * newHeads}), in block order, on one listener thread; a slow listener delays only listeners.
   */
  Subscription onNewHead(Consumer<BlockView> listener);

  /** Calls {@code listener} with each new log matching the filter's addresses and topics. */
  Subscription onLogs(LogFilter filter, Consumer<LogView> listener);

  /**
   * Calls {@code listener} with the hash of each transaction admitted to the pool, once it is
   * durable ({@code eth_subscribe newPendingTransactions}), on the listener thread.
   */
  Subscription onPendingTransaction(Consumer<Hash> listener);

  // ---- production ----

  /**
   * Makes a block now from the pending transactions (possibly empty), commits it durably and
   * returns it. In every production mode; the only trigger in {@code ON_DEMAND} mode (tests).
   */
  BlockView produceBlock();

  /** Stops the sequencer, waits for a block being committed, and closes the store (unlocks). */
  @Override
  void close();
}
