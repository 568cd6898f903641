package io.openledger.node.bridge;

import io.openledger.chain.ledger.Ledger;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PostedBatches;
import io.openledger.l1.PostedOutputs;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.SignerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import picocli.CommandLine.Option;

/**
 * The sequencer's L1 roles on the command line (docs/settlement.md, "Proposer and batcher"): the
 * proposer with {@code --l1-oracle} and {@code --proposer-key-file}, the batcher with {@code
 * --l1-inbox} and {@code --batcher-key-file}; both need {@code --l1-rpc}.
 */
public final class SettlementRoleOptions {
  @Option(
      names = "--l1-oracle",
      paramLabel = "ADDRESS",
      description =
          "The L1 OutputOracle this node's proposer posts to (needs --proposer-key-file).")
  String oracle;

  @Option(
      names = "--proposer-key-file",
      paramLabel = "FILE",
      description = "The proposer's hex private key in FILE: its L1 key, the oracle's proposer.")
  Path proposerKeyFile;

  @Option(
      names = "--output-interval",
      paramLabel = "N",
      defaultValue = "10",
      description = "Post the output root of every N-th L2 block (default: ${DEFAULT-VALUE}).")
  long outputInterval;

  @Option(
      names = "--l1-inbox",
      paramLabel = "ADDRESS",
      description = "The L1 BatchInbox this node's batcher posts to (needs --batcher-key-file).")
  String inbox;

  @Option(
      names = "--batcher-key-file",
      paramLabel = "FILE",
      description = "The batcher's hex private key in FILE: its L1 key, the inbox's batcher.")
  Path batcherKeyFile;

  @Option(
      names = "--batch-min-blocks",
      paramLabel = "N",
      defaultValue = "5",
      description = "Post a batch once N L2 blocks wait (default: ${DEFAULT-VALUE}).")
  int batchMinBlocks;

  @Option(
      names = "--batch-max-bytes",
      paramLabel = "BYTES",
      defaultValue = "120000",
      description =
          "The largest batch transaction's calldata; a block that alone is larger goes in parts"
              + " (default: ${DEFAULT-VALUE}, under the 128 KiB transaction size L1 nodes accept).")
  int batchMaxBytes;

  /** Whether any role is asked for (then --l1-rpc is needed). */
  public boolean any() {
    return oracle != null || inbox != null || proposerKeyFile != null || batcherKeyFile != null;
  }

  /** {@code --l1-oracle}, or null. */
  public String oracle() {
    return oracle == null ? null : address(oracle);
  }

  /** {@code --l1-inbox}, or null. */
  public String inbox() {
    return inbox == null ? null : address(inbox);
  }

  /** The options of the proposer's and batcher's keys given, by name (a follower takes none). */
  public List<String> keyOptions() {
    List<String> given = new ArrayList<>();
    if (proposerKeyFile != null) {
      given.add("--proposer-key-file");
    }
    if (batcherKeyFile != null) {
      given.add("--batcher-key-file");
    }
    return given;
  }

  /** Checks the options before the node starts, naming what is wrong. */
  public void check() {
    pair(oracle, proposerKeyFile, "--l1-oracle", "--proposer-key-file");
    pair(inbox, batcherKeyFile, "--l1-inbox", "--batcher-key-file");
    if (outputInterval < 1) {
      throw new CliException("--output-interval must be at least 1 block, got " + outputInterval);
    }
    if (batchMinBlocks < 1) {
      throw new CliException("--batch-min-blocks must be at least 1, got " + batchMinBlocks);
    }
    if (batchMaxBytes < 1_000) {
      throw new CliException("--batch-max-bytes must be at least 1000, got " + batchMaxBytes);
    }
  }

  /**
   * Starts the roles asked for against {@code l1} (polling every second) and says so on {@code
   * out}; closing the result stops them.
   *
   * @param confirmations L1 blocks on top of a batch's block before it counts as posted (the
   *     proposer posts outputs of such blocks only)
   * @param startBlock the first L1 block the batcher reads the inbox from (its deployment block)
   */
  public AutoCloseable start(
      Web3j l1, Ledger ledger, PrintWriter out, int confirmations, long startBlock) {
    check();
    List<AutoCloseable> roles = new ArrayList<>();
    L1Batcher batcher = null;
    if (inbox != null) {
      L1Sender key = sender(l1, batcherKeyFile);
      batcher =
          new L1Batcher(
              ledger.chain(),
              key,
              address(inbox),
              new PostedBatches(l1, address(inbox), startBlock),
              batchMinBlocks,
              batchMaxBytes,
              confirmations);
      out.println(
          "  batcher      "
              + key.address()
              + " -> "
              + inbox
              + " (from L1 block "
              + startBlock
              + ", final after "
              + confirmations
              + " confirmations)");
    }
    if (oracle != null) {
      L1Sender key = sender(l1, proposerKeyFile);
      PostedOutputs outputs = new PostedOutputs(l1, address(oracle));
      // with the batcher here, outputs wait for their blocks' batches to be on L1
      OutputProposer proposer =
          batcher == null
              ? new OutputProposer(ledger.chain(), ledger.state(), key, outputs, outputInterval)
              : new OutputProposer(
                  ledger.chain(),
                  ledger.state(),
                  key,
                  outputs,
                  outputInterval,
                  batcher::postedThrough);
      roles.add(proposer.start(Duration.ofSeconds(1)));
      out.println("  proposer     " + key.address() + " -> " + oracle + " every " + outputInterval);
    }
    if (batcher != null) {
      roles.add(batcher.start(Duration.ofSeconds(1)));
    }
    return () -> {
      for (AutoCloseable r : roles) {
        r.close();
      }
    };
  }

  private static void pair(String address, Path key, String a, String k) {
    if ((address == null) != (key == null)) {
      throw new CliException(a + " and " + k + " go together: give both or neither");
    }
    if (address != null) {
      address(address);
    }
  }

  private static String address(String a) {
    if (!a.matches("0x[0-9a-fA-F]{40}")) {
      throw new CliException("an L1 contract address is 0x and 40 hex digits, got " + a);
    }
    return a;
  }

  private static L1Sender sender(Web3j l1, Path keyFile) {
    byte[] key = SignerOptions.readKeyFile(keyFile).privateKey();
    long chainId;
    try {
      chainId = l1.ethChainId().send().getChainId().longValueExact();
    } catch (IOException e) {
      throw new CliException("the L1 node does not answer eth_chainId: " + e.getMessage());
    }
    return new L1Sender(l1, Credentials.create(HexFormat.of().formatHex(key)), chainId);
  }
}
