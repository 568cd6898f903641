package io.openledger.chain.module;

import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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

  /**
   * What identifies a module to wallets and tools.
   *
   * @param address the reserved address wallets send calls to
   * @param name short name, e.g. {@code "vesting"} (also the stem of the ABI resource file)
   * @param abiJson the Solidity ABI JSON of the module, as shipped under {@code
   *     modules/<Name>.abi.json}
   */
  record Identity(Address address, String name, String abiJson) {
    /** With the ABI JSON read from the classpath resource {@code abiResource}. */
    public static Identity of(Address address, String name, String abiResource) {
      return new Identity(address, name, abiResource(abiResource));
    }
  }

  /** The module's address, name and ABI. */
  Identity identity();

  /** The reserved address wallets send calls to. */
  default Address address() {
    return identity().address();
  }

  /** Short name, e.g. {@code "vesting"} (also the stem of the ABI resource file). */
  default String name() {
    return identity().name();
  }

  /** The Solidity ABI JSON of the module, as shipped under {@code modules/<Name>.abi.json}. */
  default String abiJson() {
    return identity().abiJson();
  }

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

  /**
   * The function of {@code functions} that {@code calldata} calls, after refusing OPEN sent to a
   * function that is not payable: what every module's {@link #call} starts with.
   *
   * @param module the module's name, which starts its revert reasons
   * @throws ModuleRevert {@code "<module>: unknown function selector 0x…"} or {@code "<module>:
   *     <function> is not payable"}
   */
  static AbiFunction select(
      String module, List<AbiFunction> functions, byte[] calldata, Amount value) {
    for (AbiFunction f : functions) {
      if (f.matches(calldata)) {
        if (!value.isZero() && !f.payable()) {
          throw new ModuleRevert(module + ": " + f.name() + " is not payable");
        }
        return f;
      }
    }
    throw new ModuleRevert(
        module
            + ": unknown function selector "
            + Bytes.toHex(Arrays.copyOf(calldata, Math.min(4, calldata.length))));
  }

  /**
   * The text of a module's ABI file shipped as a resource, e.g. {@code /modules/Vesting.abi.json}.
   */
  static String abiResource(String path) {
    try (InputStream in = SystemModule.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A storage slot key: {@code prefix} followed by {@code parts}, e.g. a name and an address. */
  static byte[] slot(byte[] prefix, byte[]... parts) {
    int n = prefix.length;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = Arrays.copyOf(prefix, n);
    int at = prefix.length;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /**
   * Reads a module's storage slots: {@code ctx::load} inside a call (charged), {@link #of} in the
   * gas-free readers the node and tests use, so one piece of code serves both.
   */
  @FunctionalInterface
  interface Slots {
    Optional<byte[]> load(byte[] slot);

    /** The storage of {@code module} in {@code state}, read free of gas. */
    static Slots of(StateReader state, Address module) {
      return slot -> state.storage(module, slot);
    }
  }
}
