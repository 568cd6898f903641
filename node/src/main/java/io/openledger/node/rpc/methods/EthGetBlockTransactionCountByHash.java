package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_getBlockTransactionCountByHash(hash)}: {@code null} when unknown. */
public record EthGetBlockTransactionCountByHash(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getBlockTransactionCountByHash";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var hash = request.params().atMost(1).hash(0);
    return success(
        request,
        chain.blockByHash(hash).map(b -> Quantity.of(b.transactions().size())).orElse(null));
  }
}
