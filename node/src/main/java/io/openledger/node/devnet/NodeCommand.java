package io.openledger.node.devnet;

import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger node --genesis FILE}: the same node as {@code devnet} on a given genesis
 * (testnet, a private network), without the dev-account banner.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Run a sequencer node with JSON-RPC on a given genesis file.")
public final class NodeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin NodeOptions node = new NodeOptions();

  @Option(
      names = "--genesis",
      paramLabel = "FILE",
      required = true,
      description = "Genesis JSON of the chain (format: docs/genesis.md).")
  Path genesisFile;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the chain is stored (default: ./data/<network name>).")
  Path dataDir;

  @Override
  public Integer call() {
    NodeOptions.quietServerLogs();
    Genesis genesis = DevnetCommand.loadGenesis(genesisFile);
    Path dir = dataDir != null ? dataDir : Path.of("data", genesis.network());
    PrintWriter out = spec.commandLine().getOut();
    NodeRunner runner =
        NodeOptions.start(
            new NodeRunner.Options(
                dir,
                ChainSpec.from(genesis),
                node.ledgerConfig(genesis.blockTimeMs()),
                node.rpcHost,
                node.rpcPort),
            out);
    out.println("OpenLedger node (" + genesis.network() + ")");
    out.println("  chain id     " + runner.ledger().chainId());
    out.println("  data dir     " + dir.toAbsolutePath().normalize());
    out.println("  head         block " + runner.ledger().headNumber());
    out.println("  RPC (HTTP)   " + runner.rpc().httpUrl());
    out.println("  RPC (WS)     " + runner.rpc().wsUrl());
    out.println("Press Ctrl+C to stop.");
    out.flush();
    return NodeOptions.runUntilStopped(runner, out);
  }
}
