package io.openledger.openlora.adapter;

/** An adapter that cannot be used with this base; the message says what is wrong. */
public final class AdapterFormatException extends RuntimeException {
  public AdapterFormatException(String message) {
    super(message);
  }

  public AdapterFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
