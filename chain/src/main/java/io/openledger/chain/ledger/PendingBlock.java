package io.openledger.chain.ledger;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.BlockExecutor;
import io.openledger.chain.exec.BlockHashes;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.FeeMarket;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.exec.Simulator;
import io.openledger.chain.mempool.Mempool;
import io.openledger.chain.state.StateCommit;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.store.Column;
import io.openledger.chain.store.KeyRange;
import io.openledger.chain.store.KeyValueCursor;
import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The block being built, as clients mean by the {@code pending} tag: the head's child (number head
 * + 1, the next base fee, the sequencer's clock) holding what the pool would put in it now,
 * executed as the sequencer would execute it but never committed. Its state is the one {@code
 * pending} reads (balances, {@code eth_call}). Rebuilt when the head or the pool changes; nothing
 * is written, and its trie nodes live only in this object.
 */
final class PendingBlock {
  /** A pending block and the state after it. */
  record Built(
      Hash parent,
      long poolVersion,
      BlockView view,
      List<Transaction> transactions,
      BlockEnvironment env,
      Hash stateRoot,
      StateDatabase states,
      Simulator simulator) {}

  private final ProtocolSchedule protocol;
  private final StateDatabase states;
  private final KeyValueReader store;
  private final Mempool pool;
  private final InstantSource clock;
  private final long gasLimit;
  private final Address sequencer;
  private final int maxTransactions;
  private final BlockHashes history;
  private volatile Built current;

  PendingBlock(
      ProtocolSchedule protocol,
      StateDatabase states,
      KeyValueReader store,
      Mempool pool,
      InstantSource clock,
      long gasLimit,
      Address sequencer,
      int maxTransactions,
      BlockHashes history) {
    this.protocol = protocol;
    this.states = states;
    this.store = store;
    this.pool = pool;
    this.clock = clock;
    this.gasLimit = gasLimit;
    this.sequencer = sequencer;
    this.maxTransactions = maxTransactions;
    this.history = history;
  }

  /** The pending block on top of {@code parent} (hash {@code parentHash}) and the pool as it is. */
  /** The block being built on {@code head}. */
  Built on(StoredHeader head) {
    return on(head.header(), head.hash());
  }

  Built on(BlockHeader parent, Hash parentHash) {
    long version = pool.version();
    Built b = current;
    if (b != null && b.parent().equals(parentHash) && b.poolVersion() == version) {
      return b;
    }
    synchronized (this) {
      b = current;
      if (b == null || !b.parent().equals(parentHash) || b.poolVersion() != version) {
        b = build(parent, parentHash, version);
        current = b;
      }
      return b;
    }
  }

  private Built build(BlockHeader parent, Hash parentHash, long version) {
    long timestamp = Math.max(clock.millis() / 1000, parent.timestamp() + 1);
    FeeMarket fees = protocol.rulesAt(parent.number() + 1).feeMarket();
    BlockEnvironment env =
        BlockEnvironment.after(parent, timestamp, gasLimit, sequencer, fees).withHistory(history);
    List<Transaction> candidates = pool.select(env.baseFee(), env.gasLimit(), maxTransactions);
    ExecutedBlock executed = new BlockExecutor(protocol, states).execute(parent, env, candidates);
    Block block = executed.block();
    StateDatabase after =
        new StateDatabase(states.tree().reading(new WithNodes(store, executed.stateCommit())));
    List<TransactionView> txs = new ArrayList<>();
    for (Transaction tx : block.transactions()) {
      txs.add(Views.transaction(tx, tx.sender(), null, null));
    }
    BlockView view =
        Views.block(
            block.header(), null, Views.encodedSize(block.header(), block.transactions()), txs);
    return new Built(
        parentHash,
        version,
        view,
        block.transactions(),
        env,
        block.header().stateRoot(),
        after,
        new Simulator(protocol, after));
  }

  /** The store, plus the trie nodes of a state commit that was never written. */
  private static final class WithNodes implements KeyValueReader {
    private final KeyValueReader store;
    private final Map<ByteBuffer, byte[]> nodes = new HashMap<>();

    WithNodes(KeyValueReader store, StateCommit commit) {
      this.store = store;
      for (StateCommit.Write w : commit.writes()) {
        if (w.column() == Column.TRIE_NODES && w.value() != null) {
          nodes.put(ByteBuffer.wrap(w.key()), w.value());
        }
      }
    }

    @Override
    public Optional<byte[]> get(Column column, byte[] key) {
      if (column == Column.TRIE_NODES) {
        byte[] v = nodes.get(ByteBuffer.wrap(key));
        if (v != null) {
          return Optional.of(v.clone());
        }
      }
      return store.get(column, key);
    }

    @Override
    public KeyValueCursor iterate(Column column, KeyRange range) {
      return store.iterate(column, range);
    }
  }
}
