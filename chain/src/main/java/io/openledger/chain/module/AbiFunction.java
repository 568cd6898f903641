package io.openledger.chain.module;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One function of a module's ABI.
 *
 * @param name function name, e.g. {@code claim}
 * @param inputs argument types
 * @param outputs return types
 * @param view true for functions that only read state ({@code stateMutability: view})
 * @param payable true for functions that take OPEN with the call ({@code stateMutability:
 *     payable}); never together with {@code view}
 */
public record AbiFunction(
    String name, List<AbiType> inputs, List<AbiType> outputs, boolean view, boolean payable) {
  public AbiFunction {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    if (view && payable) {
      throw new IllegalArgumentException(name + ": a view function is not payable");
    }
  }

  /** A function that is not payable. */
  public AbiFunction(String name, List<AbiType> inputs, List<AbiType> outputs, boolean view) {
    this(name, inputs, outputs, view, false);
  }

  /** A payable function ({@code stateMutability: payable}), e.g. Multicall3's aggregates. */
  public static AbiFunction payable(String signature, String outputs) {
    AbiFunction f = of(signature, outputs, false);
    return new AbiFunction(f.name(), f.inputs(), f.outputs(), false, true);
  }

  /**
   * Parses {@code name(type,...)} and the output types, e.g. {@code
   * AbiFunction.of("vested(address)", "uint256", true)}; outputs comma-separated.
   */
  public static AbiFunction of(String signature, String outputs, boolean view) {
    int open = signature.indexOf('(');
    if (open <= 0 || !signature.endsWith(")")) {
      throw new IllegalArgumentException("not a function signature: " + signature);
    }
    return new AbiFunction(
        signature.substring(0, open),
        AbiType.parseList(signature.substring(open + 1, signature.length() - 1)),
        AbiType.parseList(outputs),
        view);
  }

  /** Canonical signature, e.g. {@code transfer(address,uint256)}. */
  public String signature() {
    return inputs.stream()
        .map(AbiType::canonical)
        .collect(Collectors.joining(",", name + "(", ")"));
  }

  /** The 4-byte selector. */
  public byte[] selector() {
    return Abi.selector(signature());
  }

  /** True when {@code calldata} starts with this function's selector. */
  public boolean matches(byte[] calldata) {
    return calldata.length >= 4 && Arrays.equals(calldata, 0, 4, selector(), 0, 4);
  }

  /** Decodes the arguments after the selector. */
  public List<Object> decodeArguments(byte[] calldata) {
    if (!matches(calldata)) {
      throw new AbiDecodingException("calldata is not a call of " + signature());
    }
    return Abi.decode(inputs, Arrays.copyOfRange(calldata, 4, calldata.length));
  }

  /** Calldata for a call of this function. */
  public byte[] encodeCall(Object... arguments) {
    return Abi.encodeCall(signature(), inputs, List.of(arguments));
  }

  /** Return data for the given results. */
  public byte[] encodeResult(Object... results) {
    return Abi.encode(outputs, List.of(results));
  }

  /** Decodes return data. */
  public List<Object> decodeResult(byte[] returnData) {
    return Abi.decode(outputs, returnData);
  }
}
