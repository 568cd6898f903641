package io.openledger.node.factory;

import io.openledger.node.blob.BlobClient;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The data options of {@code openledger train}: {@code --datanet ID[@VERSION]} (repeatable; no
 * version: the latest published) and {@code --api URL}, the node whose blob store holds the text;
 * the chain is read through the command's {@code --rpc}.
 */
public final class TrainingDataOptions {
  @Option(
      names = "--datanet",
      required = true,
      paramLabel = "ID[@VERSION]",
      description = "A datanet version to train on (repeatable; no version: the latest).")
  List<String> datanets;

  @Option(
      names = "--api",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:8080",
      description =
          "The node's HTTP API, whose blob store holds the data (default: ${DEFAULT-VALUE}).")
  String api;

  /** The versions named, parsed. */
  public List<DatanetTrainingSource.Spec> specs() {
    return datanets.stream().map(DatanetTrainingSource.Spec::parse).toList();
  }

  /** The source over the node at {@code rpc} (chain) and {@code --api} (blobs). */
  public DatanetTrainingSource source(NodeClient rpc) {
    URI base;
    try {
      base = URI.create(api.endsWith("/") ? api.substring(0, api.length() - 1) : api);
    } catch (IllegalArgumentException e) {
      throw new CliException("invalid --api URL: " + api);
    }
    if (base.getScheme() == null
        || !base.getScheme().startsWith("http")
        || base.getHost() == null) {
      throw new CliException("--api must be an http:// or https:// URL, got " + api);
    }
    return DatanetTrainingSource.over(rpc, new BlobClient(base));
  }
}
