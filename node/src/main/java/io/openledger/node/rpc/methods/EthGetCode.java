package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.types.Bytes;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/** {@code eth_getCode(address, block)}: {@code 0x} for accounts, a marker for system modules. */
public record EthGetCode(StateQueries states) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_getCode";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(2);
    return states
        .code(p.address(0), p.blockOrLatest(1))
        .map(c -> success(request, Bytes.toHex(c)))
        .orElseThrow(LedgerErrors::headerNotFound);
  }
}
