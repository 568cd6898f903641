package io.openledger.node.openlora;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code openledger model}: model files on this machine (the tiny demo model) and models registered
 * on the chain ({@code register}, {@code list}, {@code show}).
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Models: register them on the chain, list and show them; make the demo model.",
    subcommands = {
      GenerateTinyCommand.class,
      io.openledger.node.economy.cli.RegisteredModelCommands.Register.class,
      io.openledger.node.economy.cli.RegisteredModelCommands.ListModels.class,
      io.openledger.node.economy.cli.RegisteredModelCommands.Show.class
    })
public final class ModelCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
