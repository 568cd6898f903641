package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.Ledger;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/**
 * {@code eth_getLogs(filter)}: matching logs in chain order; a range over more than 1,000 blocks is
 * refused with -32005 (as OpenLedger's public RPC does), so one query stays cheap.
 */
public record EthGetLogs(Ledger ledger) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getLogs";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    var filter = request.params().atMost(1).parse(0, LogFilters::parse);
    return success(request, ChainJson.logs(LedgerErrors.valueOf(ledger.logs(filter))));
  }
}
