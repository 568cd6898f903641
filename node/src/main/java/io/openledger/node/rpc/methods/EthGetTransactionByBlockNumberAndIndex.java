package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/** {@code eth_getTransactionByBlockNumberAndIndex(block, index)}: {@code null} when absent. */
public record EthGetTransactionByBlockNumberAndIndex(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getTransactionByBlockNumberAndIndex";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(2);
    var ref = p.block(0);
    long index = p.longQuantity(1);
    if (index > Integer.MAX_VALUE) {
      return success(request, null);
    }
    return success(
        request,
        chain.transactionByBlock(ref, (int) index).map(ChainJson::transaction).orElse(null));
  }
}
