package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_newBlockFilter()}: a filter whose changes are the hashes of new blocks. */
public record EthNewBlockFilter(Filters filters) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_newBlockFilter";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, filters.newBlockFilter());
  }
}
