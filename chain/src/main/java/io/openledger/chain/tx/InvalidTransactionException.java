package io.openledger.chain.tx;

/**
 * Thrown inside the codec when bytes are not a well-formed transaction; the decoder turns it into
 * {@link DecodeResult.Invalid}. The message is the user-facing reason.
 */
final class InvalidTransactionException extends Exception {
  InvalidTransactionException(String reason) {
    super(reason, null, false, false);
  }
}
