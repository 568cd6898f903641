package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_unsubscribe(id)}: true when this connection held the subscription. */
public record EthUnsubscribe(Subscriptions subscriptions) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_unsubscribe";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    if (request.session() == null) {
      return failure(
          request, new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND, "notifications not supported"));
    }
    String id = request.params().atMost(1).string(0);
    return success(request, subscriptions.unsubscribe(request.session(), id));
  }
}
