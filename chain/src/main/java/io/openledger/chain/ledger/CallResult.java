package io.openledger.chain.ledger;

/** What {@code eth_call} / {@code eth_estimateGas} answer. */
public sealed interface CallResult {
  /**
   * The call ran to the end.
   *
   * @param gasUsed for {@link StateQueries#estimateGas}: the estimate (the least gas limit that
   *     succeeds)
   */
  record Success(byte[] returnData, long gasUsed) implements CallResult {}

  /**
   * The call reverted: JSON-RPC error 3, message {@code "execution reverted"} plus {@code ": " +
   * reason} when one was decoded, {@code data} the revert data.
   *
   * @param gasUsed gas the call used until it reverted
   */
  record Reverted(byte[] returnData, String reason, long gasUsed) implements CallResult {
    public Reverted(byte[] returnData, String reason) {
      this(returnData, reason, 0);
    }
  }

  /** The call could not run (insufficient funds, unknown block, ...): JSON-RPC -32000. */
  record Invalid(String message) implements CallResult {}
}
