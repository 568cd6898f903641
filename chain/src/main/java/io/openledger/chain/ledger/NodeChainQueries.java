package io.openledger.chain.ledger;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.mempool.Mempool;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.Snapshot;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link ChainQueries} from the node's store: each read in one RocksDB snapshot, bounded by the
 * head, so a block being committed is seen whole or not at all. Pending transactions come from the
 * pool, the pending block from {@link PendingBlock}.
 */
final class NodeChainQueries implements ChainQueries {
  private final long chainId;
  private final KeyValueStore store;
  private final ChainHead head;
  private final Mempool pool;
  private final PendingBlock pendingBlock;
  private final LogQuery logQuery = new LogQuery();

  NodeChainQueries(
      long chainId, KeyValueStore store, ChainHead head, Mempool pool, PendingBlock pendingBlock) {
    this.chainId = chainId;
    this.store = store;
    this.head = head;
    this.pool = pool;
    this.pendingBlock = pendingBlock;
  }

  @Override
  public long chainId() {
    return chainId;
  }

  @Override
  public long headNumber() {
    return head.current().header().number();
  }

  @Override
  public Optional<BlockView> block(BlockRef ref) {
    if (ChainHead.isPending(ref)) {
      return Optional.of(pendingBlock.on(head.current()).view());
    }
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return head.resolve(ref, c).map(h -> blockView(h, c));
    }
  }

  @Override
  public Optional<BlockView> blockByHash(Hash hash) {
    return block(BlockRef.hash(hash));
  }

  private static BlockView blockView(StoredHeader h, ChainStore c) {
    List<ChainStore.StoredTransaction> body = c.body(h.hash());
    List<TransactionView> txs = new ArrayList<>(body.size());
    List<Transaction> raw = new ArrayList<>(body.size());
    for (int i = 0; i < body.size(); i++) {
      ChainStore.StoredTransaction st = body.get(i);
      raw.add(st.tx());
      txs.add(
          Views.transaction(
              st.tx(),
              st.sender(),
              new TransactionView.Inclusion(h.hash(), h.header().number(), i),
              h.header().baseFeePerGas()));
    }
    return Views.block(h.header(), h.hash(), Views.encodedSize(h.header(), raw), txs);
  }

  @Override
  public Optional<TransactionView> transaction(Hash txHash) {
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      Optional<Mined> mined = mined(txHash, c);
      if (mined.isPresent()) {
        Mined m = mined.get();
        return Optional.of(
            Views.transaction(
                m.stored.tx(),
                m.stored.sender(),
                new TransactionView.Inclusion(m.block.hash(), m.block.header().number(), m.index),
                m.block.header().baseFeePerGas()));
      }
    }
    return pool.get(txHash).map(tx -> Views.transaction(tx, tx.sender(), null, null));
  }

  private record Mined(StoredHeader block, int index, ChainStore.StoredTransaction stored) {}

  /** A transaction in a block at or below the head. */
  private Optional<Mined> mined(Hash txHash, ChainStore c) {
    StoredHeader h = head.current();
    Optional<ChainStore.Location> loc = c.location(txHash);
    if (loc.isEmpty() || loc.get().blockNumber() > h.header().number()) {
      return Optional.empty();
    }
    ChainStore.Location l = loc.get();
    Optional<BlockHeader> header = c.header(l.blockHash());
    Optional<ChainStore.StoredTransaction> stored = c.transaction(l.blockHash(), l.index());
    if (header.isEmpty() || stored.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Mined(new StoredHeader(header.get(), l.blockHash()), l.index(), stored.get()));
  }

  @Override
  public Optional<TransactionView> transactionByBlock(BlockRef block, int index) {
    if (ChainHead.isPending(block)) {
      List<TransactionView> txs = pendingBlock.on(head.current()).view().transactions();
      return index >= 0 && index < txs.size() ? Optional.of(txs.get(index)) : Optional.empty();
    }
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return head.resolve(block, c)
          .flatMap(
              h ->
                  c.transaction(h.hash(), index)
                      .map(
                          st ->
                              Views.transaction(
                                  st.tx(),
                                  st.sender(),
                                  new TransactionView.Inclusion(
                                      h.hash(), h.header().number(), index),
                                  h.header().baseFeePerGas())));
    }
  }

  @Override
  public Optional<byte[]> rawTransaction(Hash txHash) {
    try (Snapshot s = store.snapshot()) {
      Optional<Mined> mined = mined(txHash, new ChainStore(s));
      if (mined.isPresent()) {
        return Optional.of(mined.get().stored.tx().encode());
      }
    }
    return pool.get(txHash).map(Transaction::encode);
  }

  @Override
  public Optional<ReceiptView> receipt(Hash txHash) {
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return mined(txHash, c)
          .flatMap(
              m ->
                  c.receipt(m.block.hash(), m.index)
                      .map(
                          r ->
                              Views.receipt(
                                  r.receipt(),
                                  r.firstLogIndex(),
                                  m.stored.tx(),
                                  m.stored.sender(),
                                  m.block.header(),
                                  m.block.hash(),
                                  m.index)));
    }
  }

  @Override
  public Optional<List<ReceiptView>> blockReceipts(BlockRef block) {
    if (ChainHead.isPending(block)) {
      return Optional.empty(); // receipts exist once a block is committed
    }
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return head.resolve(block, c)
          .map(
              h -> {
                List<ChainStore.StoredTransaction> body = c.body(h.hash());
                List<ChainStore.StoredReceipt> receipts = c.receipts(h.hash());
                List<ReceiptView> out = new ArrayList<>(receipts.size());
                for (int i = 0; i < receipts.size(); i++) {
                  ChainStore.StoredReceipt r = receipts.get(i);
                  out.add(
                      Views.receipt(
                          r.receipt(),
                          r.firstLogIndex(),
                          body.get(i).tx(),
                          body.get(i).sender(),
                          h.header(),
                          h.hash(),
                          i));
                }
                return out;
              });
    }
  }

  @Override
  public QueryResult<List<LogView>> logs(LogFilter filter) {
    try (Snapshot s = store.snapshot()) {
      ChainStore c = new ChainStore(s);
      return logQuery.run(filter, headNumber(), ref -> head.resolve(ref, c), c, s);
    }
  }
}
