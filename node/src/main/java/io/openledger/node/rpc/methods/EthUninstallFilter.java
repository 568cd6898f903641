package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_uninstallFilter(id)}: removes a filter; {@code false} when there was none. */
public record EthUninstallFilter(Filters filters) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_uninstallFilter";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    String id = request.params().atMost(1).string(0);
    return success(request, filters.uninstall(id));
  }
}
