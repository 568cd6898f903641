package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.ledger.TransactionIntake;
import io.openledger.node.rpc.BatchableMethod;
import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code eth_sendRawTransaction(data)}: the transaction's hash once it is durably in the pool, or
 * -32000 with geth's message ({@code nonce too low}, {@code insufficient funds for gas * price +
 * value}, ...). A refused transaction changes nothing.
 */
public record EthSendRawTransaction(TransactionIntake intake) implements BatchableMethod {
  @Override
  public String name() {
    return "eth_sendRawTransaction";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    byte[] raw = request.params().atMost(1).data(0);
    return answer(request, intake.submit(raw));
  }

  /**
   * A batch of submissions: parsed one by one, admitted together with {@link
   * TransactionIntake#submitAll}.
   */
  @Override
  public List<JsonRpcResponse> responses(List<JsonRpcRequest> requests) {
    JsonRpcResponse[] out = new JsonRpcResponse[requests.size()];
    List<byte[]> raws = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      try {
        raws.add(requests.get(i).params().atMost(1).data(0));
        positions.add(i);
      } catch (JsonRpcException e) {
        out[i] = failure(requests.get(i), e.error());
      }
    }
    List<SubmitResult> results = raws.isEmpty() ? List.of() : intake.submitAll(raws);
    for (int k = 0; k < positions.size(); k++) {
      int i = positions.get(k);
      out[i] = answer(requests.get(i), results.get(k));
    }
    return List.of(out);
  }

  private JsonRpcResponse answer(JsonRpcRequest request, SubmitResult result) {
    return switch (result) {
      case SubmitResult.Accepted a -> success(request, a.txHash().toHex());
      case SubmitResult.Rejected r -> failure(request, JsonRpcError.server(r.message()));
    };
  }
}
