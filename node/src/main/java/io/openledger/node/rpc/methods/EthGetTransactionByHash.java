package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.Ledger;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code eth_getTransactionByHash(hash)}: mined or pending; {@code null} when unknown. */
public record EthGetTransactionByHash(Ledger ledger) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getTransactionByHash";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var hash = request.params().atMost(1).hash(0);
    return success(request, ledger.transaction(hash).map(ChainJson::transaction).orElse(null));
  }
}
