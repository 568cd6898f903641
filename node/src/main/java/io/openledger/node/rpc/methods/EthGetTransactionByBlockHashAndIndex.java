package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/** {@code eth_getTransactionByBlockHashAndIndex(hash, index)}: {@code null} when absent. */
public record EthGetTransactionByBlockHashAndIndex(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getTransactionByBlockHashAndIndex";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(2);
    var hash = p.hash(0);
    long index = p.longQuantity(1);
    if (index > Integer.MAX_VALUE) {
      return success(request, null);
    }
    return success(
        request,
        chain
            .transactionByBlock(BlockRef.hash(hash), (int) index)
            .map(ChainJson::transaction)
            .orElse(null));
  }
}
