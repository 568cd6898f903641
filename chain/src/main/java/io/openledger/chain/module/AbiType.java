package io.openledger.chain.module;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Solidity ABI type, as written in signatures ({@code address}, {@code uint256}, {@code bytes32},
 * {@code string}, {@code uint64[]}, {@code (address,uint256)}). Java values: {@link
 * io.openledger.chain.types.Address} for address, {@link Boolean} for bool, {@link
 * java.math.BigInteger} for (u)intN, {@code byte[]} for bytes and bytesN, {@link String} for
 * string, {@link List} for arrays and tuples.
 */
public sealed interface AbiType {

  /** The canonical name used in signatures, e.g. {@code uint256}. */
  String canonical();

  /** True if the encoding has a variable length (goes in the tail, referenced by offset). */
  boolean dynamic();

  /** Bytes this type takes in the head: 32 for dynamic types and most static ones. */
  default int headSize() {
    return 32;
  }

  record AddressType() implements AbiType {
    @Override
    public String canonical() {
      return "address";
    }

    @Override
    public boolean dynamic() {
      return false;
    }
  }

  record BoolType() implements AbiType {
    @Override
    public String canonical() {
      return "bool";
    }

    @Override
    public boolean dynamic() {
      return false;
    }
  }

  /** uintN / intN, 8 <= bits <= 256, a multiple of 8. */
  record IntType(int bits, boolean signed) implements AbiType {
    public IntType {
      if (bits < 8 || bits > 256 || bits % 8 != 0) {
        throw new IllegalArgumentException("invalid integer width: " + bits);
      }
    }

    @Override
    public String canonical() {
      return (signed ? "int" : "uint") + bits;
    }

    @Override
    public boolean dynamic() {
      return false;
    }
  }

  /** bytesN, 1 <= N <= 32. */
  record FixedBytesType(int length) implements AbiType {
    public FixedBytesType {
      if (length < 1 || length > 32) {
        throw new IllegalArgumentException("invalid bytesN length: " + length);
      }
    }

    @Override
    public String canonical() {
      return "bytes" + length;
    }

    @Override
    public boolean dynamic() {
      return false;
    }
  }

  record BytesType() implements AbiType {
    @Override
    public String canonical() {
      return "bytes";
    }

    @Override
    public boolean dynamic() {
      return true;
    }
  }

  record StringType() implements AbiType {
    @Override
    public String canonical() {
      return "string";
    }

    @Override
    public boolean dynamic() {
      return true;
    }
  }

  /** T[] : variable length array. */
  record ArrayType(AbiType element) implements AbiType {
    @Override
    public String canonical() {
      return element.canonical() + "[]";
    }

    @Override
    public boolean dynamic() {
      return true;
    }
  }

  /** (T1,...,Tn) */
  record TupleType(List<AbiType> components) implements AbiType {
    public TupleType {
      components = List.copyOf(components);
    }

    @Override
    public String canonical() {
      return components.stream().map(AbiType::canonical).collect(Collectors.joining(",", "(", ")"));
    }

    @Override
    public boolean dynamic() {
      return components.stream().anyMatch(AbiType::dynamic);
    }

    @Override
    public int headSize() {
      return dynamic() ? 32 : components.stream().mapToInt(AbiType::headSize).sum();
    }
  }

  AbiType ADDRESS = new AddressType();
  AbiType BOOL = new BoolType();
  AbiType UINT256 = new IntType(256, false);
  AbiType UINT64 = new IntType(64, false);
  AbiType BYTES32 = new FixedBytesType(32);
  AbiType BYTES = new BytesType();
  AbiType STRING = new StringType();

  /**
   * Parses a type as written in a signature; {@code uint} and {@code int} mean 256 bits.
   *
   * @throws IllegalArgumentException for anything else (fixed-size arrays are not supported)
   */
  static AbiType parse(String s) {
    String t = s.strip();
    if (t.endsWith("[]")) {
      return new ArrayType(parse(t.substring(0, t.length() - 2)));
    }
    if (t.startsWith("(") && t.endsWith(")")) {
      return new TupleType(splitTopLevel(t.substring(1, t.length() - 1)));
    }
    return switch (t) {
      case "address" -> ADDRESS;
      case "bool" -> BOOL;
      case "bytes" -> BYTES;
      case "string" -> STRING;
      case "uint" -> UINT256;
      case "int" -> new IntType(256, true);
      default -> parseSized(t, s);
    };
  }

  /** Parses a comma-separated list of types (the inside of a signature's parentheses). */
  static List<AbiType> parseList(String s) {
    return s.isBlank() ? List.of() : splitTopLevel(s);
  }

  private static AbiType parseSized(String t, String original) {
    try {
      if (t.startsWith("uint")) {
        return new IntType(Integer.parseInt(t.substring(4)), false);
      }
      if (t.startsWith("int")) {
        return new IntType(Integer.parseInt(t.substring(3)), true);
      }
      if (t.startsWith("bytes")) {
        return new FixedBytesType(Integer.parseInt(t.substring(5)));
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("unsupported ABI type: " + original);
  }

  private static List<AbiType> splitTopLevel(String s) {
    List<AbiType> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(parse(s.substring(start, i)));
        start = i + 1;
      }
    }
    if (!s.isBlank()) {
      out.add(parse(s.substring(start)));
    }
    return out;
  }
}
