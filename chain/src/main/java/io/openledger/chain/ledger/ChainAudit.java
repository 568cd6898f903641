package io.openledger.chain.ledger;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.exec.BlockExecutor;
import io.openledger.chain.exec.ReplayResult;
import io.openledger.chain.state.StateCommit;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.StatePruner;
import io.openledger.chain.state.Supply;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.Column;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyRange;
import io.openledger.chain.store.KeyValueCursor;
import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Hash;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks a stored chain end to end: block 0 is this genesis, every block follows its parent and
 * replays to its header's state root, receipts root and gas (re-executing its transactions on the
 * parent state), the stored receipts are the replayed ones, every transaction's location index
 * points at it, and after every block {@code balances + locked + burned} equals the fixed supply.
 * Used by the crash tests; the node must not be running on the directory.
 */
public final class ChainAudit {
  /**
   * @param head number of the latest block
   * @param transactions transactions found in blocks 1..head
   * @param problems empty when the chain is sound; else one line per problem found
   */
  public record Report(long head, long transactions, List<String> problems, Supply headSupply) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private ChainAudit() {}

  /** Opens the data directory (it must not be in use), audits it and closes it. */
  public static Report run(Path dataDir, ChainSpec spec) {
    try (KeyValueStore store = RocksDbKeyValueStore.open(dataDir)) {
      return run(store, spec);
    }
  }

  public static Report run(KeyValueStore store, ChainSpec spec) {
    ChainStore chain = new ChainStore(store);
    // A pruned store lacks the old states the replay starts from: rebuild them from genesis.
    ReplayedStates replayed =
        StatePruner.firstAvailable(store) > 0 ? new ReplayedStates(store) : null;
    StateDatabase states = new StateDatabase(replayed != null ? replayed : store);
    BlockExecutor executor = new BlockExecutor(spec.protocol(), states, chain::hashByNumber);
    List<String> problems = new ArrayList<>();
    long createdAt =
        chain.hashByNumber(0).flatMap(chain::header).map(BlockHeader::timestamp).orElse(0L);
    ChainSpec.GenesisBlock genesisBlock = spec.genesisBlock(states, createdAt);
    Hash genesis = genesisBlock.hash();
    if (replayed != null) {
      replayed.add(genesisBlock.state());
    }
    if (!chain.genesisHash().equals(Optional.of(genesis))) {
      problems.add("genesis marker " + chain.genesisHash() + " is not " + genesis);
    }
    Hash headHash = chain.headHash().orElseThrow(() -> new IllegalStateException("no head"));
    BlockHeader headHeader = chain.header(headHash).orElseThrow();
    BlockHeader parent = chain.header(chain.hashByNumber(0).orElseThrow()).orElseThrow();
    if (!parent.hash().equals(genesis)) {
      problems.add("block 0 is " + parent.hash() + ", not the genesis " + genesis);
    }
    checkSupply(states, parent, problems);
    long txCount = 0;
    for (long n = 1; n <= headHeader.number(); n++) {
      Optional<Hash> hash = chain.hashByNumber(n);
      Optional<BlockHeader> header = hash.flatMap(chain::header);
      if (header.isEmpty()) {
        problems.add("block " + n + " is missing below the head " + headHeader.number());
        break;
      }
      List<Transaction> txs =
          chain.body(hash.get()).stream().map(ChainStore.StoredTransaction::tx).toList();
      txCount += txs.size();
      Block block = new Block(header.get(), txs);
      switch (executor.replay(parent, block)) {
        case ReplayResult.Mismatch m -> problems.add(m.message());
        case ReplayResult.Match m -> {
          checkStored(chain, hash.get(), n, txs, m, problems);
          if (replayed != null) {
            replayed.add(m.executed().stateCommit());
          }
        }
      }
      checkSupply(states, header.get(), problems);
      parent = header.get();
    }
    if (!parent.hash().equals(headHash)) {
      problems.add("head pointer " + headHash + " is not the last block " + parent.hash());
    }
    return new Report(
        headHeader.number(),
        txCount,
        List.copyOf(problems),
        states.at(parent.stateRoot()).supply());
  }

  /** The stored chain with the tree nodes of every replayed state beside it, in memory. */
  private static final class ReplayedStates implements KeyValueReader {
    private final KeyValueReader store;
    private final InMemoryKeyValueStore nodes = new InMemoryKeyValueStore();

    ReplayedStates(KeyValueReader store) {
      this.store = store;
    }

    void add(StateCommit commit) {
      try (WriteBatch batch = nodes.newBatch()) {
        commit.writeTo(batch);
        batch.commit(Durability.BUFFERED);
      }
    }

    @Override
    public Optional<byte[]> get(Column column, byte[] key) {
      Optional<byte[]> v = column == Column.TRIE_NODES ? nodes.get(column, key) : Optional.empty();
      return v.isPresent() ? v : store.get(column, key);
    }

    @Override
    public KeyValueCursor iterate(Column column, KeyRange range) {
      return store.iterate(column, range);
    }
  }

  private static void checkStored(
      ChainStore chain,
      Hash blockHash,
      long number,
      List<Transaction> txs,
      ReplayResult.Match match,
      List<String> problems) {
    List<ChainStore.StoredReceipt> stored = chain.receipts(blockHash);
    List<Receipt> replayed = match.executed().receipts();
    if (stored.size() != replayed.size()) {
      problems.add(
          "block "
              + number
              + ": "
              + stored.size()
              + " receipts stored, "
              + replayed.size()
              + " replayed");
      return;
    }
    for (int i = 0; i < txs.size(); i++) {
      if (!Arrays.equals(
          stored.get(i).receipt().encodeForStorage(), replayed.get(i).encodeForStorage())) {
        problems.add(
            "block " + number + ": stored receipt " + i + " differs from the replayed one");
      }
      Optional<ChainStore.Location> loc = chain.location(txs.get(i).hash());
      if (loc.isEmpty() || loc.get().blockNumber() != number || loc.get().index() != i) {
        problems.add("transaction " + txs.get(i).hash() + " has a wrong location " + loc);
      }
    }
  }

  private static void checkSupply(StateDatabase states, BlockHeader h, List<String> problems) {
    Supply s = states.at(h.stateRoot()).supply();
    if (!s.accounted().equals(Supply.TOTAL)) {
      problems.add(
          "block "
              + h.number()
              + ": balances + locked + burned + bridged = "
              + s.accounted()
              + ", not "
              + Supply.TOTAL);
    }
  }
}
