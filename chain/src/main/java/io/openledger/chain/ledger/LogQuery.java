package io.openledger.chain.ledger;

import io.openledger.chain.block.Log;
import io.openledger.chain.block.LogsBloom;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.store.LogIndex;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code eth_getLogs}: one block by hash reads that block's receipts; a block range reads the log
 * index ({@link LogIndex}), so a query from block 0 costs what it matches, not the chain's length.
 * At most {@link LogFilter#MAX_RESULTS} logs come back; more is refused with the text Infura and
 * Ethermint-based nodes use, naming a range that fits, which log tools know how to split on.
 */
final class LogQuery {
  /** {@code "query returned more than 10000 results. Try with this block range [0x0, 0x1f3]."} */
  static String tooManyResults(long from, long lastFitting) {
    return "query returned more than "
        + LogFilter.MAX_RESULTS
        + " results. Try with this block range [0x"
        + Long.toHexString(from)
        + ", 0x"
        + Long.toHexString(lastFitting)
        + "].";
  }

  QueryResult<List<LogView>> run(
      LogFilter filter,
      long headNumber,
      Function<BlockRef, Optional<StoredHeader>> resolve,
      ChainStore c,
      KeyValueReader reader) {
    if (filter.blockHash() != null) {
      if (filter.fromBlock() != null || filter.toBlock() != null) {
        return QueryResult.failed(
            QueryResult.FailureKind.INVALID_INPUT,
            "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
      }
      Optional<StoredHeader> h = resolve.apply(BlockRef.hash(filter.blockHash()));
      if (h.isEmpty()) {
        return QueryResult.failed(QueryResult.FailureKind.NOT_FOUND, "unknown block");
      }
      List<LogView> out = new ArrayList<>();
      collect(filter, h.get(), c, out);
      if (out.size() > LogFilter.MAX_RESULTS) {
        long n = h.get().header().number();
        return QueryResult.failed(QueryResult.FailureKind.LIMIT_EXCEEDED, tooManyResults(n, n));
      }
      return QueryResult.ok(out);
    }
    long from = number(filter.fromBlock(), headNumber);
    long to = number(filter.toBlock(), headNumber);
    if (from > to) {
      if (from > headNumber) {
        return QueryResult.ok(List.of());
      }
      return QueryResult.failed(
          QueryResult.FailureKind.INVALID_INPUT, "invalid block range params");
    }
    List<LogView> out = new ArrayList<>();
    Blocks blocks = new Blocks(c);
    long[] overflowBlock = {-1};
    LogIndex.scan(
        reader,
        from,
        Math.min(to, headNumber),
        filter.addresses(),
        filter.topics(),
        p -> {
          if (out.size() == LogFilter.MAX_RESULTS) {
            overflowBlock[0] = p.block();
            return false;
          }
          LogView log = blocks.log(p);
          if (filter.matches(log.address(), log.topics())) {
            out.add(log);
          }
          return true;
        });
    if (overflowBlock[0] >= 0) {
      return QueryResult.failed(
          QueryResult.FailureKind.LIMIT_EXCEEDED,
          tooManyResults(from, Math.max(from, overflowBlock[0] - 1)));
    }
    return QueryResult.ok(out);
  }

  /** The blocks a query touches, each block's hash and receipts read once. */
  private static final class Blocks {
    private final ChainStore c;
    private long number = -1;
    private Hash hash;
    private final Map<Integer, ChainStore.StoredReceipt> receipts = new HashMap<>();
    private final Map<Integer, Hash> txHashes = new HashMap<>();

    Blocks(ChainStore c) {
      this.c = c;
    }

    LogView log(LogIndex.Position p) {
      if (p.block() != number) {
        number = p.block();
        hash =
            c.hashByNumber(number)
                .orElseThrow(
                    () -> new IllegalStateException("indexed block " + p.block() + " is missing"));
        receipts.clear();
        txHashes.clear();
      }
      ChainStore.StoredReceipt r =
          receipts.computeIfAbsent(
              p.txIndex(),
              i ->
                  c.receipt(hash, i)
                      .orElseThrow(
                          () -> new IllegalStateException("indexed receipt " + p + " is missing")));
      Hash txHash =
          txHashes.computeIfAbsent(
              p.txIndex(), i -> c.transaction(hash, i).map(st -> st.tx().hash()).orElse(Hash.ZERO));
      Log log = r.receipt().logs().get(p.logIndex() - r.firstLogIndex());
      return new LogView(
          log.address(),
          log.topics(),
          log.data(),
          number,
          hash,
          txHash,
          p.txIndex(),
          p.logIndex(),
          false);
    }
  }

  /** A range bound as a number: tags mean the head, {@code earliest} 0; absent means the head. */
  private static long number(BlockRef ref, long headNumber) {
    return switch (ref) {
      case null -> headNumber;
      case BlockRef.Number n -> n.number();
      case BlockRef.Named n -> n.tag() == BlockRef.Tag.EARLIEST ? 0 : headNumber;
      case BlockRef.ByHash b -> headNumber;
    };
  }

  private static void collect(LogFilter filter, StoredHeader h, ChainStore c, List<LogView> out) {
    if (!mayMatch(filter, h.header().logsBloom())) {
      return;
    }
    List<ChainStore.StoredReceipt> receipts = c.receipts(h.hash());
    for (int i = 0; i < receipts.size(); i++) {
      ChainStore.StoredReceipt r = receipts.get(i);
      if (r.receipt().logs().isEmpty() || !mayMatch(filter, r.receipt().bloom())) {
        continue;
      }
      Hash txHash = c.transaction(h.hash(), i).map(st -> st.tx().hash()).orElse(Hash.ZERO);
      for (LogView log :
          Views.logs(r.receipt(), r.firstLogIndex(), h.header().number(), h.hash(), txHash, i)) {
        if (filter.matches(log.address(), log.topics())) {
          out.add(log);
        }
      }
    }
  }

  /** False when the bloom proves no log can match (some wanted address or topic set is absent). */
  static boolean mayMatch(LogFilter filter, LogsBloom bloom) {
    if (!filter.addresses().isEmpty()) {
      boolean any = false;
      for (Address a : filter.addresses()) {
        any |= bloom.mayContain(a);
      }
      if (!any) {
        return false;
      }
    }
    for (List<Hash> position : filter.topics()) {
      if (position.isEmpty()) {
        continue;
      }
      boolean any = false;
      for (Hash t : position) {
        any |= bloom.mayContain(t);
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }
}
