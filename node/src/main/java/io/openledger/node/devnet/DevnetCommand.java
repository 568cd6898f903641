package io.openledger.node.devnet;

import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.genesis.GenesisException;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger devnet}: a single-node development chain on the embedded devnet genesis (chain
 * id 1337), with ten funded dev accounts whose keys are the public Hardhat/Anvil ones.
 */
@Command(
    name = "devnet",
    mixinStandardHelpOptions = true,
    description = {
      "Run a development chain: sequencer, JSON-RPC (HTTP and WebSocket), funded dev accounts.",
      "The dev accounts' private keys are PUBLIC (Hardhat/Anvil defaults): never use them on a"
          + " real network."
    })
public final class DevnetCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin NodeOptions node = new NodeOptions();

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "./data/devnet",
      description = "Where the chain is stored (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--genesis",
      paramLabel = "FILE",
      description = "Genesis JSON (default: the embedded devnet genesis).")
  Path genesisFile;

  @Override
  public Integer call() {
    NodeOptions.quietServerLogs();
    Genesis genesis = loadGenesis(genesisFile);
    PrintWriter out = spec.commandLine().getOut();
    NodeRunner runner =
        NodeOptions.start(
            new NodeRunner.Options(
                dataDir,
                ChainSpec.from(genesis),
                node.ledgerConfig(genesis.blockTimeMs()),
                node.rpcHost,
                node.rpcPort),
            out);
    banner(out, runner);
    return NodeOptions.runUntilStopped(runner, out);
  }

  static Genesis loadGenesis(Path file) {
    try {
      return file == null ? Genesis.devnet() : Genesis.load(file);
    } catch (GenesisException e) {
      throw new CliException(
          "invalid genesis " + (file == null ? "(embedded)" : file) + ": " + e.getMessage());
    }
  }

  private void banner(PrintWriter out, NodeRunner runner) {
    var ledger = runner.ledger();
    out.println("OpenLedger devnet");
    out.println("  chain id     " + ledger.chainId());
    out.println("  data dir     " + dataDir.toAbsolutePath().normalize());
    out.println("  head         block " + ledger.headNumber());
    out.println("  RPC (HTTP)   " + runner.rpc().httpUrl());
    out.println("  RPC (WS)     " + runner.rpc().wsUrl());
    out.println();
    out.println("Dev accounts (balances at the head):");
    for (DevAccounts.DevAccount a : DevAccounts.ALL) {
      String balance =
          ledger.balance(a.address(), BlockRef.LATEST).map(b -> b.toOpenString()).orElse("?");
      out.printf(
          "  (%d) %s  %s OPEN%n      key %s%n", a.index(), a.address(), balance, a.privateKeyHex());
    }
    out.println();
    out.println(
        "WARNING: these private keys are public (Hardhat/Anvil defaults). Anyone can spend what"
            + " they hold. Never send real funds to them or use them on another network.");
    out.println("Press Ctrl+C to stop.");
    out.flush();
  }
}
