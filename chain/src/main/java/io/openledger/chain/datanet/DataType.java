package io.openledger.chain.datanet;

import java.util.Optional;

/** What a datanet holds ({@code uint8} in the ABI). */
public enum DataType {
  TEXT(0),
  IMAGE(1),
  AUDIO(2);

  private final int code;

  DataType(int code) {
    this.code = code;
  }

  /** The ABI value. */
  public int code() {
    return code;
  }

  /** The type with ABI value {@code code}; empty for any other value. */
  public static Optional<DataType> of(long code) {
    for (DataType t : values()) {
      if (t.code == code) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
