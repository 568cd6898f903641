package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/** {@code eth_getBlockByNumber(block, fullTransactions)}: {@code null} past the head. */
public record EthGetBlockByNumber(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getBlockByNumber";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(2);
    var ref = p.block(0);
    boolean full = p.bool(1);
    return success(request, chain.block(ref).map(b -> ChainJson.block(b, full)).orElse(null));
  }
}
