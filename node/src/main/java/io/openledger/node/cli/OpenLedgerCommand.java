package io.openledger.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root of the {@code openledger} command. Each role is a subcommand; a new subcommand is one
 * line in {@code subcommands} below.
 */
@Command(
    name = "openledger",
    mixinStandardHelpOptions = true,
    versionProvider = OpenLedgerCommand.Version.class,
    description =
        "OpenLedger: an Ethereum-compatible L2 where data contributors are paid by attribution.",
    subcommands = {
      CommandLine.HelpCommand.class,
      BenchCommand.class,
      io.openledger.node.attribution.AttributionCommand.class,
      io.openledger.node.openlora.ServeCommand.class,
      io.openledger.node.openlora.GenerateCommand.class,
      io.openledger.node.openlora.ModelCommand.class,
      io.openledger.node.devnet.DevnetCommand.class,
      io.openledger.node.devnet.NodeCommand.class,
      io.openledger.node.wallet.AccountCommand.class,
      io.openledger.node.wallet.BalanceCommand.class,
      io.openledger.node.wallet.SendCommand.class,
      io.openledger.node.wallet.BlockCommand.class,
      io.openledger.node.wallet.TxCommand.class,
      io.openledger.node.wallet.ReceiptCommand.class,
      io.openledger.node.wallet.VestingCommand.class,
      io.openledger.node.economy.cli.DatanetCommand.class,
      io.openledger.node.economy.cli.EscrowCommand.class,
      io.openledger.node.economy.cli.ApiKeyCommand.class,
      io.openledger.node.economy.cli.InferCommand.class,
      io.openledger.node.economy.cli.EarningsCommand.class,
      io.openledger.node.economy.cli.ClaimCommand.class,
      io.openledger.node.economy.cli.BatchCommand.class,
      io.openledger.node.economy.cli.StakeCommand.class,
      io.openledger.node.economy.cli.DelegateCommand.class,
      io.openledger.node.economy.cli.UnbondCommand.class,
      io.openledger.node.economy.cli.ValidatorCommand.class,
      io.openledger.node.economy.cli.ChallengeCommand.class,
      io.openledger.node.economy.cli.VoteCommand.class,
      io.openledger.node.rewards.RewardsCommand.class,
      io.openledger.node.economy.cli.GovCommand.class,
      io.openledger.node.bridge.cli.BridgeCommand.class,
      io.openledger.node.factory.TrainCommand.class,
      io.openledger.node.factory.InfluenceCommand.class
    })
public final class OpenLedgerCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The command line with the project's error handling: user errors print one line, exit 2. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new OpenLedgerCommand());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof CliException e) {
            commandLine.getErr().println("error: " + e.getMessage());
            return e.exitCode();
          }
          throw ex;
        });
    return cl;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = OpenLedgerCommand.class.getPackage().getImplementationVersion();
      return new String[] {"openledger " + (v == null ? "dev" : v)};
    }
  }
}
