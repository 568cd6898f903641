package io.openledger.chain.ledger;

import io.openledger.chain.genesis.Genesis;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * A node's chain: one data directory (RocksDB), the mempool and the sequencer that turns pending
 * transactions into blocks, seen through five services, each handed to the code that needs it and
 * nothing more: {@link #chain()} (blocks, transactions, receipts, logs), {@link #intake()}
 * (submitting transactions, the pool), {@link #state()} (accounts, module storage, proofs, calls),
 * {@link #fees()} (base fee, tips, fee history) and {@link #events()} (new heads, logs, pending
 * transactions). Whoever opens the ledger owns the sequencer: it alone produces blocks on demand
 * and closes the ledger.
 *
 * <p>Opened with {@code Ledger.open(Path dataDir, Genesis genesis, LedgerConfig config)}: a fresh
 * directory gets the genesis block 0; a used one recovers its head and reloads its pending
 * transactions; a directory made for another genesis or chain id, or locked by another running
 * node, is refused with a {@link LedgerOpenException}.
 *
 * <p>On disk: the chain (blocks, receipts, indexes, state tree) in RocksDB at {@code dataDir}, the
 * persisted pool in a second RocksDB at {@code dataDir/pool} (so admissions never wait behind a
 * block's synced write). Old states stay readable as {@link LedgerConfig#stateRetention()} says.
 *
 * <p>Thread safety: every method may be called from any thread. Reads see one committed block's
 * state (a RocksDB snapshot), never half a block. A receipt becomes visible only after its block is
 * durably committed.
 *
 * <p>Methods answering {@link java.util.Optional#empty()} mean "no such block/transaction"
 * (JSON-RPC {@code null}); inputs the caller got wrong come back as {@link QueryResult.Failed} or
 * {@link SubmitResult.Rejected} with the message Ethereum clients expect.
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

  /** Blocks, transactions, receipts and logs. */
  ChainQueries chain();

  /** Submitting transactions, and the pool they wait in. */
  TransactionIntake intake();

  /** Accounts, module storage, proofs and simulated calls at a block. */
  StateQueries state();

  /** The next base fee, suggested tips, the fee history. */
  FeeOracle fees();

  /** Listeners for new blocks, logs and pending transactions. */
  ChainEvents events();

  /**
   * Makes a block now from the pending transactions (possibly empty), commits it durably and
   * returns it. In every production mode; the only trigger in {@code ON_DEMAND} mode (tests).
   */
  BlockView produceBlock();

  /** Stops the sequencer, waits for a block being committed, and closes the store (unlocks). */
  @Override
  void close();
}
