package io.openledger.node.rpc;

/**
 * One JSON-RPC method (as Besu's {@code JsonRpcMethod}): a name and a response. Adding a method is
 * adding a class and listing it in {@code io.openledger.node.rpc.methods.EthMethods}; nothing else
 * changes.
 *
 * <p>Implementations parse their parameters through {@link JsonRpcRequest#params()}, which throws
 * {@link JsonRpcException} (code -32602) with what is wrong; they never change state on bad input.
 */
public interface JsonRpcMethod {
  /** The wire name, such as {@code eth_getBalance}. */
  String name();

  JsonRpcResponse response(JsonRpcRequest request);

  /** Convenience for implementations: a success carrying {@code result}. */
  default JsonRpcResponse success(JsonRpcRequest request, Object result) {
    return new JsonRpcResponse.Success(request.id(), Json.MAPPER.valueToTree(result));
  }

  default JsonRpcResponse failure(JsonRpcRequest request, JsonRpcError error) {
    return new JsonRpcResponse.Failure(request.id(), error);
  }
}
