package io.openledger.chain.exec;

/** Whether re-executing a stored block reproduced it. */
public sealed interface ReplayResult {

  default boolean matches() {
    return this instanceof Match;
  }

  /** Same state root, receipts root, bloom and gas used as the stored header. */
  record Match(ExecutedBlock executed) implements ReplayResult {}

  /**
   * The block does not replay.
   *
   * @param message what differs, e.g. {@code "block 12: state root 0xab.. != header 0xcd.."}
   */
  record Mismatch(String message) implements ReplayResult {}
}
