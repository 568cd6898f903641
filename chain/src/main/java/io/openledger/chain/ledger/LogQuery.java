package io.openledger.chain.ledger;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.LogsBloom;
import io.openledger.chain.sequencer.ChainStore;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code eth_getLogs}: walks the blocks of the range, skips those whose bloom rules the filter out,
 * and reads the receipts (and the transaction hash of each matching receipt) of the others.
 */
final class LogQuery {
  static final String RANGE_TOO_LARGE =
      "query exceeds max block range " + LogFilter.MAX_BLOCK_RANGE;

  /** A block header with its hash. */
  record Header(BlockHeader header, Hash hash) {}

  QueryResult<List<LogView>> run(
      LogFilter filter,
      long headNumber,
      Function<BlockRef, Optional<Header>> resolve,
      ChainStore c) {
    if (filter.blockHash() != null) {
      if (filter.fromBlock() != null || filter.toBlock() != null) {
        return QueryResult.failed(
            QueryResult.FailureKind.INVALID_INPUT,
            "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
      }
      Optional<Header> h = resolve.apply(BlockRef.hash(filter.blockHash()));
      if (h.isEmpty()) {
        return QueryResult.failed(QueryResult.FailureKind.NOT_FOUND, "unknown block");
      }
      List<LogView> out = new ArrayList<>();
      collect(filter, h.get(), c, out);
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
    if (to - from + 1 > LogFilter.MAX_BLOCK_RANGE) {
      return QueryResult.failed(QueryResult.FailureKind.LIMIT_EXCEEDED, RANGE_TOO_LARGE);
    }
    List<LogView> out = new ArrayList<>();
    for (long n = from; n <= Math.min(to, headNumber); n++) {
      Optional<Header> h = resolve.apply(BlockRef.number(n));
      if (h.isPresent()) {
        collect(filter, h.get(), c, out);
      }
    }
    return QueryResult.ok(out);
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

  private static void collect(LogFilter filter, Header h, ChainStore c, List<LogView> out) {
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
