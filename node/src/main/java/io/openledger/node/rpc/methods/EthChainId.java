package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_chainId} (EIP-695): the EIP-155 chain id as a hex quantity. */
public record EthChainId(long chainId) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_chainId";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, Quantity.of(chainId));
  }
}
