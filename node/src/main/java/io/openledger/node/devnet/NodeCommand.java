package io.openledger.node.devnet;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.LedgerOpenException;
import io.openledger.chain.state.StateRetention;
import io.openledger.l1.PortalDeposits;
import io.openledger.l1.PostedBatches;
import io.openledger.l1.PostedOutputs;
import io.openledger.node.bridge.L1DepositWatcher;
import io.openledger.node.bridge.L1Follower;
import io.openledger.node.challenge.NodeRecordVerifier;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.EconomyService;
import io.openledger.node.wallet.SignerOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
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

  @Option(
      names = "--follow-l1",
      paramLabel = "URL",
      description =
          "Run a follower: rebuild the chain from the batches on this L1 node (JSON-RPC URL), check"
              + " every posted output and the deposits, serve the chain read-only (needs"
              + " --l1-inbox, --l1-oracle, --l1-portal).")
  String followL1;

  @Option(
      names = "--genesis-timestamp",
      paramLabel = "SECONDS",
      description =
          "With --follow-l1: the timestamp of the followed chain's block 0, for a genesis whose"
              + " timestamp is 0 (a devnet takes its creation time).")
  Long genesisTimestamp;

  @Override
  public Integer call() {
    NodeOptions.quietServerLogs();
    Genesis genesis = DevnetCommand.loadGenesis(genesisFile);
    Path dir = dataDir != null ? dataDir : Path.of("data", genesis.network());
    PrintWriter out = spec.commandLine().getOut();
    if (followL1 != null) {
      return follow(genesis, dir, out);
    }
    if (genesisTimestamp != null) {
      throw new CliException("--genesis-timestamp goes with --follow-l1");
    }
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

  /** {@code --follow-l1}: the follower; exits 3 when the chain on L1 breaks a rule. */
  private int follow(Genesis genesis, Path dir, PrintWriter out) {
    checkFollowerOptions();
    Genesis g = followedGenesis(genesis);
    Web3j l1 = Web3j.build(new HttpService(followL1));
    LedgerConfig config =
        LedgerConfig.DEFAULT.withStateRetention(
            node.stateRetention(StateRetention.keepLast(StateRetention.DEFAULT_KEEP)));
    NodeRunner runner;
    try {
      runner =
          NodeRunner.startFollower(
              new NodeRunner.Options(dir, ChainSpec.from(g), config, node.rpcHost, node.rpcPort));
    } catch (LedgerOpenException e) {
      throw new CliException(e.getMessage());
    }
    out.println("OpenLedger follower (" + g.network() + ")");
    out.println("  chain id     " + runner.ledger().chain().chainId());
    out.println("  data dir     " + dir.toAbsolutePath().normalize());
    out.println("  head         block " + runner.ledger().chain().headNumber());
    out.println("  L1           " + followL1);
    out.println("  inbox        " + node.roles.inbox());
    out.println("  oracle       " + node.roles.oracle());
    out.println("  portal       " + node.l1Portal);
    out.println("  RPC (HTTP)   " + runner.rpc().httpUrl() + " (read-only)");
    out.println("Press Ctrl+C to stop.");
    out.flush();
    runner.onBlock(b -> NodeOptions.logBlock(out, b));
    CountDownLatch stopping = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicReference<L1Follower.DerivationHalted> halt = new AtomicReference<>();
    Thread hook =
        new Thread(
            () -> {
              stopping.countDown();
              try {
                stopped.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "openledger-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    L1Follower follower =
        new L1Follower(
                runner.followerLedger(),
                l1,
                new PostedBatches(l1, node.roles.inbox(), node.l1StartBlock),
                new PostedOutputs(l1, node.roles.oracle()),
                new PortalDeposits(l1, node.l1Portal, node.l1StartBlock, 0),
                node.l1StartBlock,
                node.l1Confirmations)
            .start(
                Duration.ofSeconds(1),
                h -> {
                  halt.set(h);
                  stopping.countDown();
                });
    try {
      stopping.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    follower.close();
    long head = runner.stop();
    PrintWriter err = spec.commandLine().getErr();
    if (halt.get() != null) {
      err.println("The chain on L1 breaks a rule; the follower stopped at block " + head + ":");
      err.println("  " + halt.get().getMessage());
      err.flush();
    } else {
      out.println("Stopped cleanly at block " + head + ".");
      out.flush();
    }
    stopped.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is what stopped it
    }
    return halt.get() != null ? HALTED : 0;
  }

  /** The exit code of a follower the chain on L1 halted. */
  public static final int HALTED = 3;

  private void checkFollowerOptions() {
    List<String> wrong = new ArrayList<>(node.roles.keyOptions());
    if (node.l1Rpc != null) {
      wrong.add("--l1-rpc (--follow-l1 names the L1 node)");
    }
    if (node.blockTimeMs != null) {
      wrong.add("--block-time (a follower makes no blocks)");
    }
    if (model != null || operator != null || operatorKeyFile != null) {
      wrong.add("--model, --operator, --operator-key-file (a follower runs no data economy)");
    }
    if (!wrong.isEmpty()) {
      throw new CliException(
          "a follower takes no sequencer, batcher or proposer options; leave out "
              + String.join(", ", wrong));
    }
    economy(dataDir, null); // refuses the economy's own options
    List<String> missing = new ArrayList<>();
    if (node.roles.inbox() == null) {
      missing.add("--l1-inbox ADDRESS (the batches it derives from)");
    }
    if (node.roles.oracle() == null) {
      missing.add("--l1-oracle ADDRESS (the outputs it checks)");
    }
    if (node.l1Portal == null) {
      missing.add("--l1-portal ADDRESS (the deposits it checks)");
    } else if (!node.l1Portal.matches("0x[0-9a-fA-F]{40}")) {
      throw new CliException(
          "--l1-portal must be a 0x-prefixed 20-byte address, got " + node.l1Portal);
    }
    if (!missing.isEmpty()) {
      throw new CliException("--follow-l1 needs " + String.join(", ", missing));
    }
    if (node.l1Confirmations < 0 || node.l1StartBlock < 0) {
      throw new CliException("--l1-confirmations and --l1-start-block must not be negative");
    }
    if (node.rpcPort < 0 || node.rpcPort > 65_535) {
      throw new CliException("--rpc-port must be between 0 and 65535, got " + node.rpcPort);
    }
  }

  /**
   * The genesis at the followed chain's block 0 time: the file's timestamp, or {@code
   * --genesis-timestamp} when the file's is 0 (refused when both are given and differ, or neither).
   */
  private Genesis followedGenesis(Genesis genesis) {
    if (genesis.timestamp() == 0) {
      if (genesisTimestamp == null || genesisTimestamp <= 0) {
        throw new CliException(
            "this genesis has timestamp 0 (the sequencer took its creation time): a follower needs"
                + " the followed chain's block 0 timestamp, --genesis-timestamp SECONDS (the"
                + " sequencer's eth_getBlockByNumber(\"0x0\").timestamp), or a genesis with it");
      }
      return genesis.withTimestamp(genesisTimestamp);
    }
    if (genesisTimestamp != null && genesisTimestamp != genesis.timestamp()) {
      throw new CliException(
          "--genesis-timestamp "
              + genesisTimestamp
              + " contradicts the genesis file's timestamp "
              + genesis.timestamp());
    }
    return genesis;
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
