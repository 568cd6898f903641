package io.openledger.node.devnet;

import io.openledger.attribution.AttributionException;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.genesis.GenesisException;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.state.StateRetention;
import io.openledger.node.bridge.L1DepositWatcher;
import io.openledger.node.challenge.NodeRecordVerifier;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
      "Run a development chain with the whole data economy in one process: sequencer, JSON-RPC"
          + " (HTTP and WebSocket), funded dev accounts, the blob store, attribution indexes, and"
          + " paid inference (OpenLoRA) with batches and payouts.",
      "On first start it sets up a demo: a datanet of Debian's fortunes texts, a paid model on"
          + " it, an application account with an API key (--no-demo starts bare).",
      "The dev and demo accounts' private keys are PUBLIC: never use them on a real network."
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

  @CommandLine.Mixin EconomyOptions economy = new EconomyOptions();

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Serve this Hugging Face model directory (config.json, safetensors, tokenizer.json)"
              + " instead of the generated tiny model.")
  Path model;

  @Option(
      names = "--demo-adapter",
      paramLabel = "DIR",
      description =
          "With --model: the PEFT adapter of that model the demo registers as its paid model,"
              + " trained on the demo datanet: its training.json (written by `openledger train`)"
              + " must name the demo's datanet version and contributions, and the registration"
              + " pays the datanet's training fee by it (without it the demo registers no"
              + " model).")
  Path demoAdapter;

  @Option(names = "--no-demo", description = "Start bare: no demo datanet, model or application.")
  boolean noDemo;

  @Override
  public Integer call() {
    NodeOptions.quietServerLogs();
    Genesis genesis = loadGenesis(genesisFile);
    PrintWriter out = spec.commandLine().getOut();
    if (demoAdapter != null && model == null) {
      throw new CliException("--demo-adapter goes with --model (the demo model has its own)");
    }
    DemoModel demoModel =
        model != null
            ? new DemoModel(model, Optional.ofNullable(demoAdapter))
            : DemoModel.trained(dataDir.resolve("demo-model"));
    // decides the challenges by recomputation with this node's indexes and engine, once they run
    NodeRecordVerifier verifier = NodeRecordVerifier.unattached();
    NodeRunner runner =
        NodeOptions.start(
            new NodeRunner.Options(
                dataDir,
                ChainSpec.from(genesis, verifier),
                node.ledgerConfig(genesis.blockTimeMs(), StateRetention.ARCHIVE),
                node.rpcHost,
                node.rpcPort,
                Optional.of(
                    economy.options(
                        dataDir,
                        DemoSetup.OPERATOR,
                        demoModel.dir(),
                        Optional.of(DemoSetup.AUDITOR),
                        genesis.economy().challenges().minimumBond()))),
            verifier,
            out);
    Optional<DemoSetup.Demo> demo;
    try {
      demo = noDemo ? Optional.empty() : demo(runner, demoModel, out);
    } catch (RuntimeException e) {
      runner.close();
      throw e;
    }
    banner(out, runner);
    DemoBanner.print(out, runner, demo);
    AutoCloseable roles = node.startRoles(runner.ledger(), out);
    out.println("Press Ctrl+C to stop.");
    out.flush();
    int code = NodeOptions.runUntilStopped(runner, out);
    node.depositWatcher.ifPresent(L1DepositWatcher::close);
    NodeOptions.closeRoles(roles);
    return code;
  }

  /** The model the devnet serves and the adapter its demo registers. */
  public record DemoModel(Path dir, Optional<Path> adapter) {
    /**
     * The shipped demo model ({@link DemoModelFiles}): trained by the factory on the demo datanet,
     * written once under {@code root}.
     */
    static DemoModel trained(Path root) {
      Path[] dirs = DemoModelFiles.extract(root);
      return new DemoModel(dirs[0], Optional.of(dirs[1]));
    }
  }

  /** Sets up the demo on a fresh chain; empty when the chain already has one (or is not fresh). */
  private static Optional<DemoSetup.Demo> demo(
      NodeRunner runner, DemoModel model, PrintWriter out) {
    if (!DemoSetup.needed(runner.ledger())) {
      return Optional.empty();
    }
    List<DemoCorpus.Text> texts;
    try {
      texts = DemoCorpus.load();
    } catch (AttributionException.MissingResource e) {
      throw new CliException(e.getMessage() + " Or start without the demo: --no-demo.");
    }
    out.println("Setting up the demo economy (first start)...");
    out.flush();
    return Optional.of(
        new DemoSetup(runner.ledger(), runner.economy().orElseThrow()).run(texts, model));
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
    out.println("  chain id     " + ledger.chain().chainId());
    out.println("  data dir     " + dataDir.toAbsolutePath().normalize());
    out.println("  head         block " + ledger.chain().headNumber());
    out.println("  RPC (HTTP)   " + runner.rpc().httpUrl());
    out.println("  RPC (WS)     " + runner.rpc().wsUrl());
    out.println();
    out.println("Dev accounts (balances at the head):");
    for (DevAccounts.DevAccount a : DevAccounts.ALL) {
      String balance =
          ledger
              .state()
              .balance(a.address(), BlockRef.LATEST)
              .map(b -> b.toOpenString())
              .orElse("?");
      out.printf(
          "  (%d) %s  %s OPEN%n      key %s%n", a.index(), a.address(), balance, a.privateKeyHex());
    }
    out.println();
    out.println(
        "WARNING: these private keys are public (Hardhat/Anvil defaults). Anyone can spend what"
            + " they hold. Never send real funds to them or use them on another network.");
    out.flush();
  }
}
