package io.openledger.node.rpc.methods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.exec.Eip55;
import io.openledger.chain.ledger.PoolContent;
import io.openledger.chain.ledger.TransactionIntake;
import io.openledger.chain.ledger.TransactionView;
import io.openledger.node.rpc.Json;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import java.util.List;

/**
 * {@code txpool_content}: the pool as geth shows it, {@code pending} (executable) and {@code
 * queued} (behind a nonce gap), each {@code {sender: {nonce (decimal): transaction}}}.
 */
public record TxpoolContent(TransactionIntake intake) implements JsonRpcMethod {
  @Override
  public String name() {
    return "txpool_content";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    PoolContent c = intake.poolContent();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.set("pending", bySender(c.pending()));
    o.set("queued", bySender(c.queued()));
    return success(request, o);
  }

  private static ObjectNode bySender(List<TransactionView> txs) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    for (TransactionView t : txs) {
      String sender = Eip55.format(t.from());
      ObjectNode mine = out.has(sender) ? (ObjectNode) out.get(sender) : out.putObject(sender);
      mine.set(Long.toString(t.nonce()), ChainJson.transaction(t));
    }
    return out;
  }
}
