package io.openledger.node.devnet;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.state.StateRetention;
import io.openledger.node.bridge.L1DepositWatcher;
import io.openledger.node.challenge.NodeRecordVerifier;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.EconomyService;
import io.openledger.node.wallet.SignerOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger node --genesis FILE}: the same node as {@code devnet} on a given genesis
 * (testnet, a private network), without the dev-account banner; with {@code --model} and an
 * operator key it also runs the data economy and serves the models registered to that operator.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
      "Run a sequencer node with JSON-RPC on a given genesis file.",
      "With --model DIR and an operator key (--operator ADDRESS from the keystore, or"
          + " --operator-key-file) it also runs the data economy: blob store, attribution"
          + " indexes, paid inference for the models registered to the operator, batches."
    })
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

  @CommandLine.Mixin EconomyOptions economy = new EconomyOptions();

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Run the data economy serving this Hugging Face model directory (needs an operator"
              + " key).")
  Path model;

  @Option(
      names = "--operator",
      paramLabel = "ADDRESS",
      description = "The operator's keystore account: signs records and batches.")
  String operator;

  @Option(
      names = "--operator-key-file",
      paramLabel = "FILE",
      description = "The operator's hex private key in FILE, instead of --operator.")
  Path operatorKeyFile;

  @Option(
      names = "--keystore",
      paramLabel = "DIR",
      description = "Keystore directory of --operator (default: ~/.openledger/keystore).")
  Path keystore;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "The keystore password of --operator, first line of FILE, instead of asking.")
  Path passwordFile;

  @Override
  public Integer call() {
    NodeOptions.quietServerLogs();
    Genesis genesis = DevnetCommand.loadGenesis(genesisFile);
    Path dir = dataDir != null ? dataDir : Path.of("data", genesis.network());
    PrintWriter out = spec.commandLine().getOut();
    // decides the challenges by recomputation with this node's indexes and engine, once they run
    NodeRecordVerifier verifier = NodeRecordVerifier.unattached();
    NodeRunner runner =
        NodeOptions.start(
            new NodeRunner.Options(
                dir,
                ChainSpec.from(genesis, verifier),
                node.ledgerConfig(
                    genesis.blockTimeMs(), StateRetention.keepLast(StateRetention.DEFAULT_KEEP)),
                node.rpcHost,
                node.rpcPort,
                economy(dir, genesis)),
            verifier,
            out);
    out.println("OpenLedger node (" + genesis.network() + ")");
    out.println("  chain id     " + runner.ledger().chain().chainId());
    out.println("  data dir     " + dir.toAbsolutePath().normalize());
    out.println("  head         block " + runner.ledger().chain().headNumber());
    out.println("  RPC (HTTP)   " + runner.rpc().httpUrl());
    out.println("  RPC (WS)     " + runner.rpc().wsUrl());
    runner.economy().ifPresent(e -> DemoBanner.print(out, runner, Optional.empty()));
    AutoCloseable roles = node.startRoles(runner.ledger(), out);
    out.println("Press Ctrl+C to stop.");
    out.flush();
    int code = NodeOptions.runUntilStopped(runner, out);
    node.depositWatcher.ifPresent(L1DepositWatcher::close);
    NodeOptions.closeRoles(roles);
    return code;
  }

  /** The economy when --model is given, with the operator's key. */
  private Optional<EconomyService.Options> economy(Path dir, Genesis genesis) {
    if (model == null) {
      if (operator != null || operatorKeyFile != null) {
        throw new CliException("--operator and --operator-key-file go with --model");
      }
      if (economy.audit != null || economy.auditKeyFile != null || economy.publicUrl != null) {
        throw new CliException(
            "--audit, --audit-key-file and --public-url go with --model (the data economy)");
      }
      return Optional.empty();
    }
    if (operator == null && operatorKeyFile == null) {
      throw new CliException(
          "--model runs the data economy, which needs the operator's key: --operator ADDRESS or"
              + " --operator-key-file FILE");
    }
    if (operator != null && operatorKeyFile != null) {
      throw new CliException("give one of --operator and --operator-key-file");
    }
    KeyPair key = SignerOptions.unlock(operator, operatorKeyFile, keystore, passwordFile);
    return Optional.of(
        economy.options(
            dir, key, model, Optional.empty(), genesis.economy().challenges().minimumBond()));
  }
}
