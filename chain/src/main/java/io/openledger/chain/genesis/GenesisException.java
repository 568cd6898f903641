package io.openledger.chain.genesis;

import java.util.List;

/** A genesis file that cannot be used; the message lists every problem found, one per line. */
public final class GenesisException extends RuntimeException {
  private final List<String> problems;

  public GenesisException(List<String> problems) {
    super("invalid genesis:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
