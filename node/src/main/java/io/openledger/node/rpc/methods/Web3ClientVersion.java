package io.openledger.node.rpc.methods;

import io.openledger.node.rpc.JsonRpcMethod;
import io.openledger.node.rpc.JsonRpcRequest;
import io.openledger.node.rpc.JsonRpcResponse;

/** {@code web3_clientVersion}: name/version/platform, as geth writes it. */
public record Web3ClientVersion(String version) implements JsonRpcMethod {
  /** {@code OpenLedger/v<version>/<os>-<arch>/java<feature>}. */
  public static Web3ClientVersion current() {
    String v = Web3ClientVersion.class.getPackage().getImplementationVersion();
    return new Web3ClientVersion(
        "OpenLedger/v"
            + (v == null ? "0.1.0-dev" : v)
            + "/"
            + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT)
            + "-"
            + System.getProperty("os.arch")
            + "/java"
            + Runtime.version().feature());
  }

  @Override
  public String name() {
    return "web3_clientVersion";
  }

  @Override
  public JsonRpcResponse response(JsonRpcRequest request) {
    request.params().atMost(0);
    return success(request, version);
  }
}
