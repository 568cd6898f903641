package io.openledger.chain.rlp;

/**
 * Malformed RLP. The message is worded as go-ethereum words its RLP errors ({@code "rlp: ..."}), so
 * that a wallet sees the text it would see from geth; it reaches the user unchanged.
 */
public final class RlpException extends Exception {
  public RlpException(String message) {
    super(message, null, false, false); // no stack trace: thrown on every malformed input
  }
}
