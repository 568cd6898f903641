package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.CallResult;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/** {@code eth_estimateGas(call, block)}: the least gas limit with which the call succeeds. */
public record EthEstimateGas(StateQueries states) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_estimateGas";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(3);
    var call = p.parse(0, CallRequests::parse);
    var block = p.blockOrLatest(1);
    if (p.has(2)) {
      throw JsonRpcException.invalidParams("state overrides are not supported");
    }
    return switch (states.estimateGas(call, block)) {
      case CallResult.Success s -> success(request, Quantity.of(s.gasUsed()));
      case CallResult.Reverted r -> failure(request, LedgerErrors.reverted(r));
      case CallResult.Invalid i -> failure(request, JsonRpcError.server(i.message()));
    };
  }
}
