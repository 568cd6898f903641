package io.openledger.node.devnet;

import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.LedgerOpenException;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.state.StateRetention;
import io.openledger.l1.PortalDeposits;
import io.openledger.node.bridge.L1DepositWatcher;
import io.openledger.node.bridge.SettlementRoleOptions;
import io.openledger.node.challenge.NodeRecordVerifier;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.BindException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options and the run loop shared by {@code openledger devnet} and {@code openledger node}. */
final class NodeOptions {
  @Option(
      names = "--rpc-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description =
          "Interface for JSON-RPC (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes it to the network).")
  String rpcHost;

  @Option(
      names = "--rpc-port",
      paramLabel = "N",
      defaultValue = "8545",
      description =
          "Port for JSON-RPC over HTTP and WebSocket (default: ${DEFAULT-VALUE}; 0: any).")
  int rpcPort;

  @Option(
      names = "--block-time",
      paramLabel = "MS",
      description = "Milliseconds between blocks (default: the genesis's, 2000 on the devnet).")
  Long blockTimeMs;

  @Option(
      names = "--l1-rpc",
      paramLabel = "URL",
      description =
          "Ethereum (L1) JSON-RPC: deposits (--l1-portal), the proposer (--l1-oracle), the"
              + " batcher (--l1-inbox).")
  String l1Rpc;

  @Option(
      names = "--l1-portal",
      paramLabel = "ADDRESS",
      description = "The L1 Portal contract whose deposits this chain credits.")
  String l1Portal;

  @Option(
      names = "--l1-confirmations",
      paramLabel = "N",
      defaultValue = "12",
      description =
          "L1 blocks on top of a block before the node takes it as final: its deposits are"
              + " credited, its batches count as posted (the proposer waits for them) (default:"
              + " ${DEFAULT-VALUE}).")
  int l1Confirmations;

  @Option(
      names = "--l1-start-block",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "First L1 block to read deposits and batches from: the contracts' deployment block,"
              + " as `bridge deploy` prints it (default: ${DEFAULT-VALUE}).")
  long l1StartBlock;

  /** The proposer and batcher roles (started by {@link #startRoles} once the ledger is open). */
  @Mixin SettlementRoleOptions roles = new SettlementRoleOptions();

  /**
   * Starts the L1 roles asked for on {@code ledger}; closing the result stops them (a no-op when
   * none).
   */
  AutoCloseable startRoles(Ledger ledger, PrintWriter out) {
    if (l1Rpc == null || !roles.any()) {
      return () -> {};
    }
    return roles.start(
        Web3j.build(new HttpService(l1Rpc)), ledger, out, l1Confirmations, l1StartBlock);
  }

  /** The L1 deposit watcher these options ask for, if any (started by {@link #ledgerConfig}). */
  Optional<L1DepositWatcher> depositWatcher = Optional.empty();

  @Option(
      names = "--archive",
      description =
          "Keep the state of every block, so eth_call, eth_getBalance, eth_getProof and"
              + " eth_getStorageAt answer at any height; the data directory grows with every block"
              + " (default for devnet).")
  boolean archive;

  @Option(
      names = "--prune-keep",
      paramLabel = "N",
      description =
          "Keep the state of the last N blocks and delete older state as blocks commit (default"
              + " for node: 128, as geth). Blocks, receipts and logs are always kept.")
  Long pruneKeep;

  /**
   * @param byDefault the command's choice when neither --archive nor --prune-keep is given
   */
  StateRetention stateRetention(StateRetention byDefault) {
    if (archive && pruneKeep != null) {
      throw new CliException(
          "--archive keeps every state and --prune-keep " + pruneKeep + " prunes: give one");
    }
    if (pruneKeep != null) {
      if (pruneKeep < 2) {
        throw new CliException(
            "--prune-keep must be at least 2 blocks (the head's state and its parent's), got "
                + pruneKeep);
      }
      return StateRetention.keepLast(pruneKeep);
    }
    return archive ? StateRetention.ARCHIVE : byDefault;
  }

  LedgerConfig ledgerConfig(long genesisBlockTimeMs, StateRetention defaultRetention) {
    long ms = blockTimeMs != null ? blockTimeMs : genesisBlockTimeMs;
    if (ms < 1 || ms > 3_600_000) {
      throw new CliException("--block-time must be between 1 and 3600000 ms, got " + ms);
    }
    if (rpcPort < 0 || rpcPort > 65_535) {
      throw new CliException("--rpc-port must be between 0 and 65535, got " + rpcPort);
    }
    LedgerConfig config =
        LedgerConfig.DEFAULT
            .withSequencer(SequencerConfig.DEFAULT.withBlockInterval(Duration.ofMillis(ms)))
            .withStateRetention(stateRetention(defaultRetention));
    if (l1Rpc == null) {
      if (l1Portal != null || roles.any()) {
        throw new CliException(
            "--l1-portal, --l1-oracle and --l1-inbox need --l1-rpc (the L1 node's JSON-RPC)");
      }
      return config;
    }
    if (l1Portal == null && !roles.any()) {
      throw new CliException(
          "--l1-rpc needs --l1-portal (deposits), --l1-oracle (proposer) or --l1-inbox (batcher)");
    }
    roles.check();
    if (l1Confirmations < 0 || l1StartBlock < 0) {
      throw new CliException("--l1-confirmations and --l1-start-block must not be negative");
    }
    if (l1Portal == null) {
      return config;
    }
    if (!l1Portal.matches("0x[0-9a-fA-F]{40}")) {
      throw new CliException("--l1-portal must be a 0x-prefixed 20-byte address, got " + l1Portal);
    }
    L1DepositWatcher watcher =
        new L1DepositWatcher(
            new PortalDeposits(
                Web3j.build(new HttpService(l1Rpc)), l1Portal, l1StartBlock, l1Confirmations),
            Duration.ofSeconds(1));
    depositWatcher = Optional.of(watcher);
    return config.withDeposits(watcher);
  }

  static void closeRoles(AutoCloseable roles) {
    try {
      roles.close();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the L1 roles failed", e);
    }
  }

  /** Keeps Jetty's and Javalin's start-up chatter out of the user's terminal. */
  static void quietServerLogs() {
    System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
  }

  /** Starts the node or explains why it cannot start. */
  static NodeRunner start(
      NodeRunner.Options options, NodeRecordVerifier verifier, PrintWriter out) {
    try {
      return NodeRunner.start(options, InstantSource.system(), Optional.of(verifier));
    } catch (LedgerOpenException e) {
      throw new CliException(e.getMessage());
    } catch (RuntimeException e) {
      if (causedBy(e, BindException.class)) {
        throw new CliException(
            "cannot listen on "
                + options.rpcHost()
                + ":"
                + options.rpcPort()
                + " (in use? choose another with --rpc-port)");
      }
      throw e;
    }
  }

  /**
   * Serves until SIGINT/SIGTERM, then stops the RPC server, lets the block being committed finish
   * and closes the store.
   */
  static int runUntilStopped(NodeRunner node, PrintWriter out) {
    node.onBlock(b -> logBlock(out, b));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("Stopping...");
                  out.flush();
                  long head = node.stop();
                  out.println("Stopped cleanly at block " + head + ".");
                  out.flush();
                  stopped.countDown();
                },
                "openledger-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static void logBlock(PrintWriter out, BlockView b) {
    out.printf(
        "block %d  txs %d  gas %d  base fee %s gwei  %s%n",
        b.number(),
        b.transactions().size(),
        b.gasUsed(),
        new BigDecimal(b.baseFeePerGas().value())
            .movePointLeft(9)
            .stripTrailingZeros()
            .toPlainString(),
        b.hash().toHex());
    out.flush();
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> kind) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (kind.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
