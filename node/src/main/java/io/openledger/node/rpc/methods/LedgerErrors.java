package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.CallResult;
import io.openledger.chain.ledger.QueryResult;
import io.openledger.chain.types.Bytes;
import io.openledger.node.rpc.Json;
import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcException;

/** The ledger's refusals as the JSON-RPC errors Ethereum clients expect. */
final class LedgerErrors {
  /** geth's message when a block number or hash names no block. */
  static final String HEADER_NOT_FOUND = "header not found";

  private LedgerErrors() {}

  /** The value of an {@link QueryResult.Ok}, or the failure as a thrown JSON-RPC error. */
  static <T> T valueOf(QueryResult<T> result) {
    return switch (result) {
      case QueryResult.Ok<T> ok -> ok.value();
      case QueryResult.Failed<T> f -> throw new JsonRpcException(error(f));
    };
  }

  static JsonRpcError error(QueryResult.Failed<?> f) {
    int code =
        switch (f.kind()) {
          case INVALID_INPUT -> JsonRpcError.INVALID_PARAMS;
          case LIMIT_EXCEEDED -> JsonRpcError.LIMIT_EXCEEDED;
          case NOT_FOUND -> JsonRpcError.SERVER_ERROR;
        };
    return new JsonRpcError(code, f.message());
  }

  static JsonRpcException headerNotFound() {
    return new JsonRpcException(JsonRpcError.server(HEADER_NOT_FOUND));
  }

  /**
   * A reverted call: code 3, {@code "execution reverted"} (+ {@code ": reason"}), the revert data
   * as hex in {@code data} — what ethers and viem decode custom errors from.
   */
  static JsonRpcError reverted(CallResult.Reverted r) {
    String message =
        r.reason() == null || r.reason().isEmpty()
            ? "execution reverted"
            : "execution reverted: " + r.reason();
    return new JsonRpcError(
        JsonRpcError.EXECUTION_REVERTED,
        message,
        Json.MAPPER.getNodeFactory().textNode(Bytes.toHex(r.returnData())));
  }
}
