package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_getBlockTransactionCountByNumber(block)}: {@code null} past the head. */
public record EthGetBlockTransactionCountByNumber(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getBlockTransactionCountByNumber";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var ref = request.params().atMost(1).block(0);
    return success(
        request, chain.block(ref).map(b -> Quantity.of(b.transactions().size())).orElse(null));
  }
}
