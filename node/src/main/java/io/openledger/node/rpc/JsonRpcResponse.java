package io.openledger.node.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/** The outcome of one request: a result or an error, echoing the request's id. */
public sealed interface JsonRpcResponse {
  JsonNode id();

  /** {@code result} is any JSON value, including JSON null (e.g. an unknown transaction). */
  record Success(JsonNode id, JsonNode result) implements JsonRpcResponse {}

  record Failure(JsonNode id, JsonRpcError error) implements JsonRpcResponse {}
}
