package io.openledger.node.rpc;

import java.util.List;

/**
 * A method that answers several requests of one batch together faster than one by one (e.g. {@code
 * eth_sendRawTransaction}: signatures recovered in parallel, the pool persisted once). The
 * processor hands it each run of consecutive requests for it within a batch; responses come back in
 * the same order, one per request, exactly as {@link #response} would have answered each.
 */
public interface BatchableMethod extends JsonRpcMethod {
  List<JsonRpcResponse> responses(List<JsonRpcRequest> requests);
}
