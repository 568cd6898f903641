package io.openledger.node.rpc;

/**
 * Thrown while handling a request when it cannot be answered (bad parameters, a limit exceeded);
 * the processor turns it into the error response. Methods may also return a {@link
 * JsonRpcResponse.Failure} directly: both reach the client the same way.
 */
public final class JsonRpcException extends RuntimeException {
  private final transient JsonRpcError error;

  public JsonRpcException(JsonRpcError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public static JsonRpcException invalidParams(String detail) {
    return new JsonRpcException(JsonRpcError.invalidParams(detail));
  }

  public JsonRpcError error() {
    return error;
  }
}
