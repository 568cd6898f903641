package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.Ledger;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_gasPrice}: next block's base fee plus the suggested tip, base units per gas. */
public record EthGasPrice(Ledger ledger) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_gasPrice";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, Quantity.of(ledger.gasPrice()));
  }
}
