package io.openledger.node.rpc.methods;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.ledger.FeeOracle;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;
import java.util.List;

/**
 * {@code eth_feeHistory(blockCount, newestBlock, rewardPercentiles)}: base fees, gas used ratios
 * and tips at the given percentiles over up to 1,024 blocks. {@code blockCount} may be a hex string
 * or a JSON number, as geth accepts.
 */
public record EthFeeHistory(FeeOracle fees) implements JsonRpcMethod {
  /** The most blocks one query covers (geth's limit). */
  public static final int MAX_BLOCKS = 1024;

  @Override
  public String name() {
    return "eth_feeHistory";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(3);
    long count = p.parse(0, EthFeeHistory::blockCount);
    var newest = p.block(1);
    List<Double> percentiles = p.has(2) ? p.list(2, EthFeeHistory::percentile) : List.of();
    var history =
        LedgerErrors.valueOf(
            fees.feeHistory((int) Math.min(count, MAX_BLOCKS), newest, percentiles));
    return success(request, ChainJson.feeHistory(history, p.has(2)));
  }

  private static long blockCount(JsonNode n) {
    if (n.isIntegralNumber()) {
      if (n.canConvertToLong() && n.longValue() >= 0) {
        return n.longValue();
      }
      throw new IllegalArgumentException("block count must be a non-negative integer");
    }
    return Params.longQuantity(n);
  }

  private static double percentile(JsonNode n) {
    if (!n.isNumber()) {
      throw new IllegalArgumentException("reward percentiles must be numbers in [0, 100]");
    }
    double v = n.doubleValue();
    if (!(v >= 0 && v <= 100)) {
      throw new IllegalArgumentException("invalid reward percentile: " + n);
    }
    return v;
  }
}
