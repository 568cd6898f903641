package io.openledger.chain.ledger;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.store.ChainStore;
import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code eth_feeHistory} as geth computes it: base fees (plus the next block's), gas used ratios,
 * and per block the effective tips at the requested percentiles of gas used.
 */
final class FeeHistories {
  static final int MAX_BLOCKS = 1024;
  static final int MAX_PERCENTILES = 100;

  private FeeHistories() {}

  static QueryResult<FeeHistory> compute(
      int blockCount,
      BlockRef newest,
      List<Double> percentiles,
      Function<BlockRef, Optional<BlockHeader>> resolve,
      ChainStore c,
      Function<BlockHeader, Amount> nextBaseFee) {
    if (blockCount < 0) {
      return QueryResult.failed(QueryResult.FailureKind.INVALID_INPUT, "invalid block count");
    }
    String bad = checkPercentiles(percentiles);
    if (bad != null) {
      return QueryResult.failed(QueryResult.FailureKind.INVALID_INPUT, bad);
    }
    Optional<BlockHeader> last = resolve.apply(newest);
    if (last.isEmpty()) {
      return QueryResult.failed(QueryResult.FailureKind.NOT_FOUND, "header not found");
    }
    long newestNumber = last.get().number();
    int count = (int) Math.min(Math.min(blockCount, MAX_BLOCKS), newestNumber + 1);
    if (count == 0) {
      return QueryResult.ok(new FeeHistory(newestNumber, List.of(), List.of(), List.of()));
    }
    long oldest = newestNumber - count + 1;
    List<Amount> baseFees = new ArrayList<>(count + 1);
    List<Double> ratios = new ArrayList<>(count);
    List<List<Amount>> rewards = new ArrayList<>(count);
    BlockHeader h = null;
    for (long n = oldest; n <= newestNumber; n++) {
      h = resolve.apply(BlockRef.number(n)).orElseThrow();
      baseFees.add(h.baseFeePerGas());
      ratios.add(h.gasLimit() == 0 ? 0.0 : (double) h.gasUsed() / h.gasLimit());
      if (!percentiles.isEmpty()) {
        rewards.add(rewards(h, c, percentiles));
      }
    }
    baseFees.add(nextBaseFee.apply(h));
    return QueryResult.ok(new FeeHistory(oldest, baseFees, ratios, rewards));
  }

  private static String checkPercentiles(List<Double> percentiles) {
    if (percentiles.size() > MAX_PERCENTILES) {
      return "too many reward percentiles: " + percentiles.size() + ", at most " + MAX_PERCENTILES;
    }
    double previous = -1;
    for (double p : percentiles) {
      if (Double.isNaN(p) || p < 0 || p > 100) {
        return "invalid reward percentile: " + p;
      }
      if (p < previous) {
        return "invalid reward percentile: #" + previous + " > #" + p;
      }
      previous = p;
    }
    return null;
  }

  private record Tip(Amount tip, long gasUsed) {}

  /** Effective tips at each percentile of the block's gas used (zeros for an empty block). */
  private static List<Amount> rewards(BlockHeader h, ChainStore c, List<Double> percentiles) {
    List<ChainStore.StoredReceipt> receipts = c.receipts(h.hash());
    if (receipts.isEmpty()) {
      return percentiles.stream().map(p -> Amount.ZERO).toList();
    }
    List<Tip> tips = new ArrayList<>(receipts.size());
    for (ChainStore.StoredReceipt r : receipts) {
      Amount price = r.receipt().effectiveGasPrice();
      Amount tip =
          price.lessThan(h.baseFeePerGas()) ? Amount.ZERO : price.subtract(h.baseFeePerGas());
      tips.add(new Tip(tip, r.receipt().gasUsed()));
    }
    tips.sort(Comparator.comparing(Tip::tip));
    List<Amount> out = new ArrayList<>(percentiles.size());
    int i = 0;
    long sum = tips.getFirst().gasUsed();
    for (double p : percentiles) {
      double threshold = h.gasUsed() * p / 100;
      while (sum < threshold && i < tips.size() - 1) {
        i++;
        sum += tips.get(i).gasUsed();
      }
      out.add(tips.get(i).tip());
    }
    return out;
  }
}
