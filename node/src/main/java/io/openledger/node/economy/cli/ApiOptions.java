package io.openledger.node.economy.cli;

import picocli.CommandLine.Option;

/** {@code --api URL}: the node's HTTP API (blobs, economy routes, inference). */
final class ApiOptions {
  @Option(
      names = "--api",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:8080",
      description =
          "The node's HTTP API: blobs, economy and inference (default: ${DEFAULT-VALUE}).")
  String api;

  NodeApi client() {
    return new NodeApi(api);
  }
}
