package io.openledger.chain.module;

/**
 * Thrown by a module to revert the call, like Solidity's {@code revert("reason")}: the executor
 * undoes the call's state changes, the sender still pays the gas used and the nonce still moves,
 * and the receipt has status 0. The revert data is {@code Error(string)}-encoded so wallets and
 * {@code eth_call} show the reason.
 */
public final class ModuleRevert extends RuntimeException {
  private final String reason;

  public ModuleRevert(String reason) {
    super(reason, null, false, false);
    this.reason = reason;
  }

  /** The human reason, e.g. {@code "vesting: nothing to claim"}. */
  public String reason() {
    return reason;
  }

  /** ABI revert data: {@code 0x08c379a0} + abi.encode(string reason). */
  public byte[] revertData() {
    return Abi.encodeError(reason);
  }
}
