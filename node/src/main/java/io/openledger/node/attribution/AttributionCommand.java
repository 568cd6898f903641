package io.openledger.node.attribution;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code openledger attribution}: Proof of Attribution from the command line. */
@Command(
    name = "attribution",
    mixinStandardHelpOptions = true,
    description = {
      "Proof of Attribution: index a corpus of contributions, trace a model output back to the"
          + " contributions it came from (weights in parts per million), find near duplicates,"
          + " and evaluate influence attribution on Fashion-MNIST.",
      "The rules are those of attribution version 1 (docs/attribution-v1.md)."
    },
    subcommands = {
      IndexCommand.class,
      TraceCommand.class,
      DedupCommand.class,
      EvalCommand.class,
    })
public final class AttributionCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
