package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import java.util.List;

/** {@code eth_accounts}: the node holds no keys (wallets sign), so the list is empty. */
public record EthAccounts() implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_accounts";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, List.of());
  }
}
