package io.openledger.node;

import io.openledger.node.cli.OpenLedgerCommand;

/** Entry point of the {@code openledger} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(OpenLedgerCommand.commandLine().execute(args));
  }
}
