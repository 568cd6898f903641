package io.openledger.node.bench;

import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger bench transfers}: sustained signed OPEN transfers per second through a devnet
 * node's JSON-RPC, with p50/p99 time from submission to receipt. See {@link TransferBenchmark}.
 */
@Command(
    name = "transfers",
    mixinStandardHelpOptions = true,
    description = {
      "Measure sustained signed OPEN transfers/s through the full node path (JSON-RPC over HTTP,"
          + " signature recovery, mempool, execution, state tree, RocksDB commit) and the p50/p99"
          + " latency from submission to receipt.",
      "Starts a throw-away devnet with the real RPC server on a loopback port; pre-signs the"
          + " transfers first (not timed)."
    })
public final class TransfersBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object: keys name figure and unit.")
  boolean json;

  @Option(
      names = "--senders",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Distinct sending accounts (default: ${DEFAULT-VALUE}).")
  int senders;

  @Option(
      names = "--duration",
      paramLabel = "S",
      defaultValue = "20",
      description = "Seconds measured after the warm-up (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--warmup",
      paramLabel = "S",
      defaultValue = "5",
      description = "Seconds of load before measuring (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--clients",
      paramLabel = "N",
      defaultValue = "8",
      description = "Client threads sending batches (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "100",
      description = "Transfers per JSON-RPC batch request (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--rate",
      paramLabel = "TPS",
      defaultValue = "0",
      description =
          "Send at this many transfers/s (open loop, latency from each one's due time); 0: as"
              + " fast as the node takes them (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--max-pending",
      paramLabel = "N",
      defaultValue = "20000",
      description =
          "With --rate 0: most transfers sent but not yet mined (default: ${DEFAULT-VALUE}).")
  int maxPending;

  @Option(
      names = "--block-time",
      paramLabel = "MS",
      defaultValue = "2000",
      description = "Milliseconds between blocks (default: ${DEFAULT-VALUE}).")
  long blockTimeMs;

  @Option(
      names = "--production",
      paramLabel = "MODE",
      defaultValue = "interval",
      description =
          "interval: a block every --block-time; when-pending: a block as soon as the previous"
              + " one is committed and transfers are waiting (default: ${DEFAULT-VALUE}).")
  String production;

  @Option(
      names = "--no-sync",
      description = "Do not fsync blocks and admissions (measures the cost of durability).")
  boolean noSync;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Keep the chain here (default: a temporary directory, deleted afterwards).")
  Path dataDir;

  @Option(
      names = "--jfr",
      paramLabel = "FILE",
      description = "Write a Java Flight Recording of the measured window to FILE.")
  Path jfr;

  @Option(
      names = "--against",
      paramLabel = "URL",
      description =
          "Load another node's JSON-RPC instead of a throw-away devnet (e.g. anvil started with"
              + " --block-time 2), with the same pre-signed transfers; senders are funded from the"
              + " dev accounts. Its block time and gas limit are its own.")
  String against;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (senders < 1 || clients < 1 || batch < 1 || durationSeconds < 1 || warmupSeconds < 0) {
      throw new CliException(
          "--senders, --clients, --batch and --duration must be at least 1, --warmup at least 0");
    }
    if (rate < 0 || maxPending < 1 || blockTimeMs < 1) {
      throw new CliException("--rate must be >= 0, --max-pending and --block-time >= 1");
    }
    if (against != null) {
      for (String own :
          List.of("--block-time", "--production", "--no-sync", "--data-dir", "--jfr")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(own)) {
          throw new CliException(
              own + " sets up the bench's own devnet and cannot be used with --against");
        }
      }
    }
    SequencerConfig.Production mode =
        switch (production) {
          case "interval" -> SequencerConfig.Production.INTERVAL;
          case "when-pending" -> SequencerConfig.Production.WHEN_PENDING;
          default ->
              throw new CliException(
                  "--production must be interval or when-pending, got " + production);
        };
    PrintWriter err = spec.commandLine().getErr();
    TransferBenchmark.Settings settings =
        new TransferBenchmark.Settings(
            senders,
            Duration.ofSeconds(warmupSeconds),
            Duration.ofSeconds(durationSeconds),
            clients,
            batch,
            rate,
            maxPending,
            Duration.ofMillis(blockTimeMs),
            mode,
            !noSync,
            dataDir,
            jfr,
            against);
    Map<String, Object> figures =
        new TransferBenchmark(
                settings,
                line -> {
                  err.println(line);
                  err.flush();
                })
            .run();
    BenchSupport.print(spec.commandLine().getOut(), json, figures, 26);
    return 0;
  }
}
