package io.openledger.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code openledger bench}: the project's benchmarks, one subcommand per engine. Each prints a
 * human table, or with {@code --json} one JSON object whose keys name the figure and its unit.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure the node and the engines (results belong in docs/BENCHMARKS.md).",
    subcommands = {
      io.openledger.node.attribution.AttributionBenchCommand.class,
      io.openledger.node.openlora.OpenLoraBenchCommand.class,
      io.openledger.node.bench.TransfersBenchCommand.class,
      io.openledger.node.bench.EconomyBenchCommand.class,
      io.openledger.node.bench.SettlementBenchCommand.class,
      io.openledger.node.factory.TrainBenchCommand.class
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
