package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/**
 * {@code eth_getLogs(filter)}: matching logs in chain order, over any block range (the log index
 * keeps a query from block 0 cheap); more than 10,000 results are refused with -32005 and a range
 * that fits.
 */
public record EthGetLogs(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getLogs";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var filter = request.params().atMost(1).parse(0, LogFilters::parse);
    return success(request, ChainJson.logs(LedgerErrors.valueOf(chain.logs(filter))));
  }
}
