package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_getTransactionByHash(hash)}: mined or pending; {@code null} when unknown. */
public record EthGetTransactionByHash(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getTransactionByHash";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var hash = request.params().atMost(1).hash(0);
    return success(request, chain.transaction(hash).map(ChainJson::transaction).orElse(null));
  }
}
