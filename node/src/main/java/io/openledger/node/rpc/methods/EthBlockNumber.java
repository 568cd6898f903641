package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_blockNumber}: the latest committed block. */
public record EthBlockNumber(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_blockNumber";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, Quantity.of(chain.headNumber()));
  }
}
