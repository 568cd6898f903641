package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.FeeOracle;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_gasPrice}: next block's base fee plus the suggested tip, base units per gas. */
public record EthGasPrice(FeeOracle fees) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_gasPrice";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, Quantity.of(fees.gasPrice()));
  }
}
