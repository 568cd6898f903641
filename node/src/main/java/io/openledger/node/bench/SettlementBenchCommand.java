package io.openledger.node.bench;

import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger bench settlement}: the L1 cost of the L2 at a sustained transfer rate and the
 * deposit latency, against a local anvil. See {@link SettlementBenchmark}.
 */
@Command(
    name = "settlement",
    mixinStandardHelpOptions = true,
    description = {
      "Measure what settlement on L1 costs: L1 bytes and gas per L2 transfer posted by the"
          + " batcher, the compression ratio, the proposer's gas per output, and how long a deposit"
          + " takes from its L1 transaction to its credit on the L2 (p50/p99).",
      "Starts anvil from the l1 module's npm install, deploys the L1 contracts, runs a devnet"
          + " node with the batcher, the proposer and the deposit watcher, and sends transfers at"
          + " --rate for --duration while deposits go in on L1."
    })
public final class SettlementBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object: keys name figure and unit.")
  boolean json;

  @Option(
      names = "--rate",
      paramLabel = "TPS",
      defaultValue = "200",
      description = "L2 transfers sent per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--duration",
      paramLabel = "S",
      defaultValue = "60",
      description = "Seconds of load (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--senders",
      paramLabel = "N",
      defaultValue = "200",
      description = "Distinct sending accounts (default: ${DEFAULT-VALUE}).")
  int senders;

  @Option(
      names = "--deposits",
      paramLabel = "N",
      defaultValue = "20",
      description =
          "Deposits made on L1 during the load, one after another (default: ${DEFAULT-VALUE}).")
  int deposits;

  @Option(
      names = "--block-time",
      paramLabel = "MS",
      defaultValue = "2000",
      description = "Milliseconds between L2 blocks (default: ${DEFAULT-VALUE}).")
  long blockTimeMs;

  @Option(
      names = "--l1-block-time",
      paramLabel = "S",
      defaultValue = "2",
      description = "Seconds between anvil's blocks (default: ${DEFAULT-VALUE}).")
  int l1BlockTimeSeconds;

  @Option(
      names = "--l1-confirmations",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "L1 blocks on top before deposits are credited and batches count as posted (default:"
              + " ${DEFAULT-VALUE}).")
  int confirmations;

  @Option(
      names = "--batch-min-blocks",
      paramLabel = "N",
      defaultValue = "5",
      description = "The batcher posts once N L2 blocks wait (default: ${DEFAULT-VALUE}).")
  int batchMinBlocks;

  @Option(
      names = "--output-interval",
      paramLabel = "N",
      defaultValue = "10",
      description = "The proposer posts every N-th L2 block's output (default: ${DEFAULT-VALUE}).")
  long outputInterval;

  @Option(
      names = "--l1-node-modules",
      paramLabel = "DIR",
      defaultValue = "l1/node_modules",
      description =
          "Where the l1 module's build installed @foundry-rs/anvil (default: ${DEFAULT-VALUE},"
              + " from the repository root).")
  Path nodeModules;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (rate < 1 || durationSeconds < 1 || senders < 1 || deposits < 0) {
      throw new CliException(
          "--rate, --duration and --senders must be at least 1, --deposits at least 0");
    }
    if (blockTimeMs < 1 || l1BlockTimeSeconds < 1 || confirmations < 0) {
      throw new CliException(
          "--block-time and --l1-block-time must be at least 1, --l1-confirmations at least 0");
    }
    if (batchMinBlocks < 1 || outputInterval < 1) {
      throw new CliException("--batch-min-blocks and --output-interval must be at least 1");
    }
    if (!Files.isDirectory(nodeModules.resolve("@foundry-rs"))) {
      throw new CliException(
          "no anvil under "
              + nodeModules.toAbsolutePath()
              + ": build the l1 module (it runs npm ci) and run from the repository root, or give"
              + " --l1-node-modules");
    }
    PrintWriter err = spec.commandLine().getErr();
    SettlementBenchmark.Settings settings =
        new SettlementBenchmark.Settings(
            rate,
            Duration.ofSeconds(durationSeconds),
            senders,
            deposits,
            Duration.ofMillis(blockTimeMs),
            l1BlockTimeSeconds,
            confirmations,
            batchMinBlocks,
            outputInterval,
            nodeModules);
    Map<String, Object> figures =
        new SettlementBenchmark(
                settings,
                line -> {
                  err.println(line);
                  err.flush();
                })
            .run();
    BenchSupport.print(spec.commandLine().getOut(), json, figures, 34);
    return 0;
  }
}
