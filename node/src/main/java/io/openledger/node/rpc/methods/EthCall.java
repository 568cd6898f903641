package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.CallResult;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.types.Bytes;
import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/**
 * {@code eth_call(call, block)}: runs a call (a system-module view, usually) without committing;
 * the return data as hex, or error 3 {@code execution reverted: reason} with the revert data.
 */
public record EthCall(StateQueries states) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_call";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(3);
    var call = p.parse(0, CallRequests::parse);
    var block = p.blockOrLatest(1);
    if (p.has(2)) {
      throw JsonRpcException.invalidParams("state overrides are not supported");
    }
    return switch (states.call(call, block)) {
      case CallResult.Success s -> success(request, Bytes.toHex(s.returnData()));
      case CallResult.Reverted r -> failure(request, LedgerErrors.reverted(r));
      case CallResult.Invalid i -> failure(request, JsonRpcError.server(i.message()));
    };
  }
}
