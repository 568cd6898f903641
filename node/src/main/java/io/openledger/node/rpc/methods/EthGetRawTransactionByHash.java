package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.types.Bytes;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/**
 * {@code eth_getRawTransactionByHash(hash)}: the signed bytes of a mined or pending transaction
 * (what {@code eth_sendRawTransaction} took); {@code null} when unknown.
 */
public record EthGetRawTransactionByHash(ChainQueries chain) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getRawTransactionByHash";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var hash = request.params().atMost(1).hash(0);
    return success(request, chain.rawTransaction(hash).map(Bytes::toHex).orElse(null));
  }
}
