package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.LogFilter;
import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/**
 * {@code eth_subscribe("newHeads")} and {@code eth_subscribe("logs", filter)}, over WebSocket only:
 * the subscription id; notifications follow as {@code eth_subscription} messages.
 */
public record EthSubscribe(Subscriptions subscriptions) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_subscribe";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    if (request.session() == null) {
      return failure(
          request, new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND, "notifications not supported"));
    }
    Params p = request.params().atMost(2);
    String kind = p.string(0);
    String id;
    try {
      id =
          switch (kind) {
            case "newHeads" -> {
              p.atMost(1);
              yield subscriptions.subscribe(request.session(), Subscriptions.Kind.NEW_HEADS, null);
            }
            case "logs" -> {
              LogFilter filter =
                  p.has(1) ? p.parse(1, LogFilters::parse) : LogFilter.range(null, null);
              yield subscriptions.subscribe(request.session(), Subscriptions.Kind.LOGS, filter);
            }
            default ->
                throw JsonRpcException.invalidParams(
                    "unsupported subscription \"" + kind + "\" (supported: newHeads, logs)");
          };
    } catch (IllegalStateException e) {
      return failure(request, JsonRpcError.limitExceeded(e.getMessage()));
    }
    return success(request, id);
  }
}
