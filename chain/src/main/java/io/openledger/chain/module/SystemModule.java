package io.openledger.chain.module;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;

/**
 * A protocol feature written in Java and living at a reserved address (see {@link
 * ModuleRegistry#RESERVED_PREFIX}). Wallets call it like a Solidity contract: a transaction {@code
 * to} the module address whose data is Solidity-ABI calldata (4-byte selector + arguments); the
 * result is ABI-encoded return data, Ethereum logs, or a revert with {@code Error(string)} data.
 *
 * <p>Implementations must be deterministic: no clock, randomness, floating point or unordered
 * iteration. They read and write state only through the {@link ModuleContext}, which charges gas
 * per operation from the protocol's {@code GasSchedule}; when the call reverts, the executor undoes
 * every change it made.
 */
public interface SystemModule {

  /** The reserved address wallets send calls to. */
  Address address();

  /** Short name, e.g. {@code "vesting"} (also the stem of the ABI resource file). */
  String name();

  /** The Solidity ABI JSON of the module, as shipped under {@code modules/<Name>.abi.json}. */
  String abiJson();

  /**
   * Runs one call.
   *
   * @param context the caller, block, state and gas meter of this call
   * @param calldata the transaction's data: selector + ABI-encoded arguments
   * @param value OPEN (base units) sent with the call, already credited to {@link #address()}; a
   *     function that is not payable reverts when it is not zero
   * @return ABI-encoded return data
   * @throws ModuleRevert to revert with a reason (state changes are undone, gas is still paid)
   * @throws OutOfGasException when the gas meter runs dry (thrown by {@link ModuleContext#charge})
   */
  byte[] call(ModuleContext context, byte[] calldata, Amount value);
}
