package io.openledger.chain.tx;

/**
 * The outcome of {@link TransactionDecoder#decode(byte[])}: a transaction that passed every check
 * that needs no state (encoding, signature, chain id, fee fields), or the reason it did not, worded
 * as Ethereum clients word it so that it can reach the user unchanged (JSON-RPC error message).
 */
public sealed interface DecodeResult {

  /** A well-formed, correctly signed transaction for this chain; its sender is recovered. */
  record Valid(Transaction transaction) implements DecodeResult {}

  /** Rejected; {@code reason} is the user-facing message. */
  record Invalid(String reason) implements DecodeResult {}

  default boolean isValid() {
    return this instanceof Valid;
  }

  /**
   * The transaction, for callers that have already checked {@link #isValid()}.
   *
   * @throws IllegalStateException with the reason, if invalid
   */
  default Transaction orElseThrow() {
    return switch (this) {
      case Valid v -> v.transaction();
      case Invalid i -> throw new IllegalStateException(i.reason());
    };
  }
}
