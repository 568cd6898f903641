package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/**
 * {@code eth_sendRawTransaction(data)}: the transaction's hash once it is durably in the pool, or
 * -32000 with geth's message ({@code nonce too low}, {@code insufficient funds for gas * price +
 * value}, ...). A refused transaction changes nothing.
 */
public record EthSendRawTransaction(Ledger ledger) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_sendRawTransaction";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    byte[] raw = request.params().atMost(1).data(0);
    return switch (ledger.submit(raw)) {
      case SubmitResult.Accepted a -> success(request, a.txHash().toHex());
      case SubmitResult.Rejected r -> failure(request, JsonRpcError.server(r.message()));
    };
  }
}
