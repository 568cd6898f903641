package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/**
 * {@code eth_newFilter(filter)}: installs a log filter (the filter object of {@code eth_getLogs});
 * {@code eth_getFilterChanges} then returns the matching logs of blocks made since the last poll.
 */
public record EthNewFilter(Filters filters) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_newFilter";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var criteria = request.params().atMost(1).parse(0, LogFilters::parse);
    if (criteria.blockHash() != null) {
      throw JsonRpcException.invalidParams(
          "invalid argument 0: a filter follows new blocks: give fromBlock/toBlock, not blockHash");
    }
    return success(request, filters.newLogFilter(criteria));
  }
}
