package io.openledger.openlora.safetensors;

/** A safetensors file (or a set of shards) that is malformed; the message says where and how. */
public final class SafetensorsFormatException extends RuntimeException {
  public SafetensorsFormatException(String message) {
    super(message);
  }

  public SafetensorsFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
