package io.openledger.node.rpc.methods;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.openledger.node.rpc.Json;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/**
 * {@code eth_getFilterChanges(id)}: what the filter saw since it was last polled: logs for a log
 * filter, block hashes for a block filter, transaction hashes for a pending-transaction filter.
 */
public record EthGetFilterChanges(Filters filters) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getFilterChanges";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    String id = request.params().atMost(1).string(0);
    return switch (filters.changes(id)) {
      case Filters.Changes.LogChanges l -> success(request, ChainJson.logs(l.logs()));
      case Filters.Changes.HashChanges h -> {
        ArrayNode a = Json.MAPPER.createArrayNode();
        h.hashes().forEach(x -> a.add(x.toHex()));
        yield success(request, a);
      }
    };
  }
}
