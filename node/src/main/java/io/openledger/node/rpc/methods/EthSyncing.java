package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_syncing}: the sequencer is the chain, so it is never syncing ({@code false}). */
public record EthSyncing() implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_syncing";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, false);
  }
}
