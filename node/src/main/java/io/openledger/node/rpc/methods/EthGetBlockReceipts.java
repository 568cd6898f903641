package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_getBlockReceipts(block)}: all receipts of a block in order; {@code null} if none. */
public record EthGetBlockReceipts(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getBlockReceipts";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var ref = request.params().atMost(1).block(0);
    return success(
        request,
        chain
            .blockReceipts(ref)
            .map(rs -> rs.stream().map(ChainJson::receipt).toList())
            .orElse(null));
  }
}
