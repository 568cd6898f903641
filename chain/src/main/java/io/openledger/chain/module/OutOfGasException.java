package io.openledger.chain.module;

/**
 * The call ran out of gas: it reverts and all of its gas limit is used, as in Ethereum. Thrown by
 * {@link ModuleContext#charge(long)}.
 */
public final class OutOfGasException extends RuntimeException {
  public OutOfGasException(long wanted, long remaining) {
    super("out of gas: wanted " + wanted + ", remaining " + remaining, null, false, false);
  }
}
