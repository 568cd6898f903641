package io.openledger.node.bench;

import io.openledger.node.cli.CliException;
import io.openledger.node.openlora.LibraryLogs;
import io.openledger.node.rpc.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger bench economy}: what the data economy costs on a real node. See {@link
 * EconomyBenchmark}.
 */
@Command(
    name = "economy",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the data economy's cost on a real node with its economy in-process: paid"
          + " inferences/s end to end against the same requests unpaid (the generated tiny model,"
          + " concurrent HTTP clients), trace time per inference, and the gas of postBatch for"
          + " batches of 1,000 and 10,000 records.",
      "Starts a throw-away devnet and sets up a datanet, its index, a paid model and an escrow"
          + " first (not timed). With --json the object's \"meaning\" says what each figure is."
    })
public final class EconomyBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object: keys name figure and unit.")
  boolean json;

  @Option(
      names = "--contributions",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Contributions in the datanet (default: ${DEFAULT-VALUE}).")
  int contributions;

  @Option(
      names = "--contributors",
      paramLabel = "N",
      defaultValue = "50",
      description = "Addresses they come from (default: ${DEFAULT-VALUE}).")
  int contributors;

  @Option(
      names = "--quotes",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Contributions quoting each of the model's answers, so each paid answer credits"
              + " several (default: ${DEFAULT-VALUE}).")
  int quotes;

  @Option(
      names = "--prompts",
      paramLabel = "N",
      defaultValue = "32",
      description = "Distinct prompts the requests cycle through (default: ${DEFAULT-VALUE}).")
  int prompts;

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      defaultValue = "48",
      description =
          "Concurrent HTTP clients (default: ${DEFAULT-VALUE}: more than the engine's batch of 32,"
              + " so it stays full while paid requests wait for their record's fsync).")
  int concurrency;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "32",
      description = "Tokens generated per request (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--warmup",
      paramLabel = "S",
      defaultValue = "30",
      description =
          "Seconds of paid and of unpaid load before measuring, so the JIT has compiled both"
              + " paths (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--duration",
      paramLabel = "S",
      defaultValue = "10",
      description = "Seconds of each measured run (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "Rounds of one paid and one unpaid run, alternating which goes first; medians are"
              + " reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--traces",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Traces timed (default: ${DEFAULT-VALUE}).")
  int traces;

  @Option(
      names = "--gas-records",
      paramLabel = "N[,N...]",
      split = ",",
      defaultValue = "1000,10000",
      description = "Records of each batch posted for the gas figures (default: ${DEFAULT-VALUE}).")
  List<Integer> gasRecords;

  @Option(
      names = "--gas-key-payers",
      paramLabel = "N",
      defaultValue = "100",
      description = "Payers with an API key in those batches (default: ${DEFAULT-VALUE}).")
  int gasKeyPayers;

  @Option(
      names = "--gas-signed-payers",
      paramLabel = "N",
      defaultValue = "20",
      description = "Payers signing each request in those batches (default: ${DEFAULT-VALUE}).")
  int gasSignedPayers;

  @Option(
      names = "--gas-credited",
      paramLabel = "N",
      defaultValue = "4",
      description = "Contributions credited per record (default: ${DEFAULT-VALUE}).")
  int gasCredited;

  @Option(
      names = "--block-time",
      paramLabel = "MS",
      defaultValue = "2000",
      description = "Milliseconds between blocks, as the devnet (default: ${DEFAULT-VALUE}).")
  long blockTimeMs;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep the node's data here (default: a temporary directory, deleted afterwards).")
  Path dataDir;

  @Option(
      names = "--jfr",
      paramLabel = "FILE",
      description = "Write a Java Flight Recording of the measured rounds to FILE.")
  Path jfr;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LibraryLogs.quiet();
    validate();
    PrintWriter err = spec.commandLine().getErr();
    EconomyBenchmark.Settings settings =
        new EconomyBenchmark.Settings(
            contributions,
            contributors,
            quotes,
            prompts,
            concurrency,
            maxTokens,
            Duration.ofSeconds(warmupSeconds),
            Duration.ofSeconds(durationSeconds),
            rounds,
            traces,
            new BatchGasProbe.Settings(
                List.copyOf(gasRecords), gasKeyPayers, gasSignedPayers, gasCredited, 0x6A5L),
            Duration.ofMillis(blockTimeMs),
            dataDir,
            jfr);
    Map<String, Object> figures =
        new EconomyBenchmark(
                settings,
                line -> {
                  err.println("[bench economy] " + line);
                  err.flush();
                })
            .run();
    print(figures);
    return 0;
  }

  private void validate() {
    if (contributions < 1 || contributors < 1 || prompts < 1 || concurrency < 1) {
      throw new CliException(
          "--contributions, --contributors, --prompts and --concurrency must be at least 1");
    }
    if (quotes < 0 || maxTokens < 1 || rounds < 1 || traces < 1) {
      throw new CliException(
          "--quotes must be at least 0, --max-tokens, --rounds and --traces at least 1");
    }
    if (warmupSeconds < 0 || durationSeconds < 1 || blockTimeMs < 1) {
      throw new CliException("--warmup must be >= 0, --duration and --block-time >= 1");
    }
    if (gasRecords.isEmpty() || gasRecords.stream().anyMatch(n -> n == null || n < 1)) {
      throw new CliException(
          "--gas-records must list batch sizes of at least 1, got " + gasRecords);
    }
    if (gasKeyPayers < 0 || gasSignedPayers < 0 || gasKeyPayers + gasSignedPayers < 1) {
      throw new CliException(
          "--gas-key-payers and --gas-signed-payers must be >= 0 and not both 0");
    }
    if (gasCredited < 0) {
      throw new CliException("--gas-credited must be at least 0, got " + gasCredited);
    }
  }

  @SuppressWarnings("unchecked")
  private void print(Map<String, Object> figures) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(figures));
    } else {
      figures.forEach(
          (k, v) -> {
            if (!k.equals("meaning")) {
              out.printf(Locale.ROOT, "%-40s %s%n", k, text(v));
            }
          });
    }
    out.flush();
  }

  private static String text(Object v) {
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      try {
        return Json.MAPPER.writeValueAsString(v);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return String.valueOf(v);
      }
    }
    return String.valueOf(v);
  }
}
