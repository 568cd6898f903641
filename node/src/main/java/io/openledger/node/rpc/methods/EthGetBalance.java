package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.StateQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/** {@code eth_getBalance(address, block)}: base units (10^18 per OPEN) as a hex quantity. */
public record EthGetBalance(StateQueries states) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getBalance";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(2);
    return states
        .balance(p.address(0), p.blockOrLatest(1))
        .map(b -> success(request, Quantity.of(b)))
        .orElseThrow(LedgerErrors::headerNotFound);
  }
}
