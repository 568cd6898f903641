package io.openledger.node.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * A well-formed JSON-RPC 2.0 request. {@code id} is the client's id (number, string or JSON null);
 * {@code params} is the positional parameter array (empty when the client sent none).
 *
 * @param session the WebSocket connection that sent it, or null over HTTP (subscriptions need it)
 */
public record JsonRpcRequest(JsonNode id, String method, ArrayNode rawParams, RpcSession session) {
  public JsonRpcRequest {
    id = id == null ? NullNode.getInstance() : id;
    rawParams = rawParams == null ? Json.MAPPER.createArrayNode() : rawParams;
  }

  public Params params() {
    return new Params(rawParams);
  }
}
