package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/** {@code eth_getBlockByHash(hash, fullTransactions)}: {@code null} when unknown. */
public record EthGetBlockByHash(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getBlockByHash";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(2);
    var hash = p.hash(0);
    boolean full = p.bool(1);
    return success(
        request, chain.blockByHash(hash).map(b -> ChainJson.block(b, full)).orElse(null));
  }
}
