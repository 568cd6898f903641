package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.FeeOracle;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_maxPriorityFeePerGas}: the suggested tip from recent blocks, base units per gas. */
public record EthMaxPriorityFeePerGas(FeeOracle fees) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_maxPriorityFeePerGas";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, Quantity.of(fees.maxPriorityFeePerGas()));
  }
}
