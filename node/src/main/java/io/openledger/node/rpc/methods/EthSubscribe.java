package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.LogFilter;
import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/**
 * {@code eth_subscribe("newHeads")}, {@code eth_subscribe("logs", filter)} and {@code
 * eth_subscribe("newPendingTransactions"[, true])} (hashes, or full transactions with {@code
 * true}), over WebSocket only: the subscription id; notifications follow as {@code
 * eth_subscription} messages.
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
            case "newPendingTransactions" -> {
              boolean full = p.bool(1, false);
              yield subscriptions.subscribe(
                  request.session(),
                  full
                      ? Subscriptions.Kind.NEW_PENDING_TRANSACTIONS_FULL
                      : Subscriptions.Kind.NEW_PENDING_TRANSACTIONS,
                  null);
            }
            default ->
                throw JsonRpcException.invalidParams(
                    "unsupported subscription \""
                        + kind
                        + "\" (supported: newHeads, logs, newPendingTransactions)");
          };
    } catch (IllegalStateException e) {
      return failure(request, JsonRpcError.limitExceeded(e.getMessage()));
    }
    return success(request, id);
  }
}
