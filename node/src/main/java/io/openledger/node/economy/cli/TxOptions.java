package io.openledger.node.economy.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long a command waits for its transaction's receipt. */
final class TxOptions {
  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "How long to wait for the receipt (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }
}
