package io.openledger.node.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSON-RPC 2.0 error object: the codes and messages Ethereum clients (ethers, viem, web3j,
 * MetaMask) match on. {@code data} is null when absent (revert data for code 3).
 */
public record JsonRpcError(int code, String message, JsonNode data) {
  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;

  /** geth's code for a rejected transaction or a failed server-side operation. */
  public static final int SERVER_ERROR = -32000;

  /** geth's code for "execution reverted" with the revert data in {@code data}. */
  public static final int EXECUTION_REVERTED = 3;

  /** A limit was exceeded (log range, result size), as Infura and most L2 nodes answer. */
  public static final int LIMIT_EXCEEDED = -32005;

  public JsonRpcError(int code, String message) {
    this(code, message, null);
  }

  public static JsonRpcError parseError(String detail) {
    return new JsonRpcError(PARSE_ERROR, "parse error: " + detail);
  }

  public static JsonRpcError invalidRequest(String detail) {
    return new JsonRpcError(INVALID_REQUEST, detail);
  }

  /** geth's wording, which tooling greps for. */
  public static JsonRpcError methodNotFound(String method) {
    return new JsonRpcError(
        METHOD_NOT_FOUND, "the method " + method + " does not exist/is not available");
  }

  public static JsonRpcError invalidParams(String detail) {
    return new JsonRpcError(INVALID_PARAMS, detail);
  }

  public static JsonRpcError internal(String detail) {
    return new JsonRpcError(INTERNAL_ERROR, detail);
  }

  public static JsonRpcError server(String message) {
    return new JsonRpcError(SERVER_ERROR, message);
  }

  public static JsonRpcError limitExceeded(String message) {
    return new JsonRpcError(LIMIT_EXCEEDED, message);
  }
}
