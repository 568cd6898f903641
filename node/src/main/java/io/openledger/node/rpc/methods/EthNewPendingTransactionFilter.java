package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/**
 * {@code eth_newPendingTransactionFilter()}: a filter whose changes are the hashes of transactions
 * admitted to the pool.
 */
public record EthNewPendingTransactionFilter(Filters filters) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_newPendingTransactionFilter";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    // geth takes an optional fullTx flag; hashes are what every client reads.
    request.params().atMost(1);
    if (request.params().has(0) && request.params().bool(0)) {
      throw JsonRpcException.invalidParams(
          "invalid argument 0: full transactions are not offered; poll hashes and ask"
              + " eth_getTransactionByHash");
    }
    return success(request, filters.newPendingTransactionFilter());
  }
}
