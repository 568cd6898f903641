package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.StateQueries;
import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;
import io.openledger.node.rpc.Params;

/**
 * {@code eth_getProof(address, storageKeys, block)}: the account and the given module storage slots
 * with sparse-Merkle proofs against the block's state root (format in docs/json-rpc.md).
 */
public record EthGetProof(StateQueries states) implements JsonRpcMethod {
  /** Most storage keys one request may ask for. */
  public static final int MAX_KEYS = 1024;

  @Override
  public String name() {
    return "eth_getProof";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    Params p = request.params().atMost(3);
    var address = p.address(0);
    var keys = p.list(1, Params::storageKey);
    if (keys.size() > MAX_KEYS) {
      throw new io.openledger.node.rpc.JsonRpcException(
          io.openledger.node.rpc.JsonRpcError.limitExceeded(
              "too many storage keys: " + keys.size() + ", at most " + MAX_KEYS));
    }
    var block = p.blockOrLatest(2);
    return success(
        request, ChainJson.proof(LedgerErrors.valueOf(states.proof(address, keys, block))));
  }
}
