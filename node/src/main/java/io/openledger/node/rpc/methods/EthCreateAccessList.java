package io.openledger.node.rpc.methods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.ledger.CallResult;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.node.rpc.Json;
import io.openledger.node.rpc.JsonRpcError;
import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/**
 * {@code eth_createAccessList(call, block)}: the access list a transaction should carry, and the
 * gas it uses with it, as geth answers. There is no EVM storage to warm (system modules charge
 * their reads by the gas table, with or without a list), so the list is always empty and {@code
 * gasUsed} is what the call uses; a revert comes back in {@code error}, as geth writes it.
 */
public record EthCreateAccessList(StateQueries states) implements JsonRpcMethod {
  @Override
  public String name() {
    return "eth_createAccessList";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(3);
    var call = p.parse(0, CallRequests::parse);
    var block = p.blockOrLatest(1);
    if (p.has(2)) {
      throw JsonRpcException.invalidParams("state overrides are not supported");
    }
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.putArray("accessList");
    switch (states.call(call, block)) {
      case CallResult.Success s -> o.put("gasUsed", Quantity.of(s.gasUsed()));
      case CallResult.Reverted r -> {
        o.put("gasUsed", Quantity.of(r.gasUsed()));
        o.put("error", LedgerErrors.reverted(r).message());
      }
      case CallResult.Invalid i -> {
        return failure(request, JsonRpcError.server(i.message()));
      }
    }
    return success(request, o);
  }
}
