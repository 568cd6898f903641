package io.openledger.chain.exec;

/**
 * Outcome of checking a transaction against a state: a value, never an exception, so the reason
 * reaches the user's error message unchanged.
 */
public sealed interface ValidationResult {

  ValidationResult VALID = new Valid();

  static ValidationResult valid() {
    return VALID;
  }

  static ValidationResult invalid(InvalidReason reason, String message) {
    return new Invalid(reason, message);
  }

  default boolean isValid() {
    return this instanceof Valid;
  }

  /** The transaction may be admitted or executed. */
  record Valid() implements ValidationResult {}

  /**
   * The transaction is refused.
   *
   * @param reason machine-readable kind (the RPC layer maps it to an error code)
   * @param message the exact text for the user, as Ethereum clients word it
   */
  record Invalid(InvalidReason reason, String message) implements ValidationResult {}
}
