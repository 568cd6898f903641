package io.openledger.chain.module;

/** Calldata or return data that is not a valid, canonical ABI encoding of the expected types. */
public final class AbiDecodingException extends IllegalArgumentException {
  public AbiDecodingException(String message) {
    super(message);
  }
}
