package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_getTransactionReceipt(hash)}: {@code null} while pending or unknown. */
public record EthGetTransactionReceipt(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getTransactionReceipt";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var hash = request.params().atMost(1).hash(0);
    return success(request, chain.receipt(hash).map(ChainJson::receipt).orElse(null));
  }
}
