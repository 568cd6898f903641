package io.openledger.node.openlora;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code openledger model}: model files on this machine. Today it generates the tiny demo model;
 * model registration on the chain belongs here too when it exists (add it to {@code subcommands}).
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Work with models and adapters on this machine.",
    subcommands = {GenerateTinyCommand.class})
public final class ModelCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
