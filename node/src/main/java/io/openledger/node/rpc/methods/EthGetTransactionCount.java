package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.StateQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;
import java.util.OptionalLong;

/**
 * {@code eth_getTransactionCount(address, block)}: the account nonce; with {@code pending}, the
 * next nonce counting the sender's pending transactions (what wallets use to sign the next one).
 */
public record EthGetTransactionCount(StateQueries states) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getTransactionCount";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(2);
    OptionalLong nonce = states.nonce(p.address(0), p.blockOrLatest(1));
    if (nonce.isEmpty()) {
      throw LedgerErrors.headerNotFound();
    }
    return success(request, Quantity.of(nonce.getAsLong()));
  }
}
