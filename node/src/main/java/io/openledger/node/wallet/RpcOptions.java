package io.openledger.node.wallet;

import picocli.CommandLine.Option;

/** {@code --rpc URL} and {@code --json}, shared by every command that talks to a node. */
public final class RpcOptions {
  @Option(
      names = "--rpc",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:8545",
      description = "JSON-RPC endpoint of the node (default: ${DEFAULT-VALUE}).")
  String rpc;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  public NodeClient client() {
    return new NodeClient(rpc);
  }

  public boolean json() {
    return json;
  }
}
