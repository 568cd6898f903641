package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code net_version}: the network id as a decimal string; here it equals the chain id. */
public record NetVersion(long chainId) implements JsonRpcMethod {
  @Override
  public String name() {
    return "net_version";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, Long.toString(chainId));
  }
}
