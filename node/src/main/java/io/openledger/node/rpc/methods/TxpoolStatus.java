package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.PoolStatus;
import io.openledger.chain.ledger.TransactionIntake;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import java.util.Map;

/** {@code txpool_status}: pending (executable) and queued (behind a nonce gap) counts. */
public record TxpoolStatus(TransactionIntake intake) implements JsonRpcMethod {
  @Override
  public String name() {
    return "txpool_status";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    PoolStatus s = intake.poolStatus();
    return success(
        request, Map.of("pending", Quantity.of(s.pending()), "queued", Quantity.of(s.queued())));
  }
}
