package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/**
 * {@code eth_getFilterLogs(id)}: every log a log filter's criteria match, as {@code eth_getLogs}.
 */
public record EthGetFilterLogs(Filters filters) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getFilterLogs";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    String id = request.params().atMost(1).string(0);
    return success(request, ChainJson.logs(filters.logs(id)));
  }
}
