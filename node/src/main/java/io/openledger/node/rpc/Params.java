package io.openledger.node.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Positional parameters of a request, parsed with errors that say which argument is wrong and why
 * (code -32602), in geth's style: {@code invalid argument 0: hex string has length 38, want 40}.
 */
public final class Params {
  private final ArrayNode params;

  public Params(ArrayNode params) {
    this.params = params;
  }

  public int size() {
    return params.size();
  }

  /** Rejects calls with more positional arguments than the method takes. */
  public Params atMost(int n) {
    if (params.size() > n) {
      throw JsonRpcException.invalidParams("too many arguments, want at most " + n);
    }
    return this;
  }

  public boolean has(int i) {
    return i < params.size() && !params.get(i).isNull();
  }

  /** The raw JSON of argument {@code i}; missing arguments are an error. */
  public JsonNode node(int i) {
    if (!has(i)) {
      throw JsonRpcException.invalidParams("missing value for required argument " + i);
    }
    return params.get(i);
  }

  public Address address(int i) {
    return parse(i, Params::address);
  }

  public Hash hash(int i) {
    return parse(i, Params::hash);
  }

  public byte[] data(int i) {
    return parse(i, Params::data);
  }

  public BigInteger quantity(int i) {
    return parse(i, Params::quantity);
  }

  public long longQuantity(int i) {
    return parse(i, Params::longQuantity);
  }

  public boolean bool(int i) {
    return parse(i, Params::bool);
  }

  public boolean bool(int i, boolean absent) {
    return has(i) ? bool(i) : absent;
  }

  public String string(int i) {
    return parse(i, n -> text(n, "string"));
  }

  public BlockRef block(int i) {
    return parse(i, Params::block);
  }

  /** A block parameter that defaults to {@code latest} when omitted (as geth does for calls). */
  public BlockRef blockOrLatest(int i) {
    return has(i) ? block(i) : BlockRef.LATEST;
  }

  public JsonNode object(int i) {
    return parse(
        i,
        n -> {
          if (!n.isObject()) {
            throw new IllegalArgumentException("want a JSON object, got " + kind(n));
          }
          return n;
        });
  }

  public <T> List<T> list(int i, Function<JsonNode, T> element) {
    return parse(i, n -> list(n, element));
  }

  /** Argument {@code i} through a value parser whose IllegalArgumentException names the fault. */
  public <T> T parse(int i, Function<JsonNode, T> parser) {
    JsonNode n = node(i);
    try {
      return parser.apply(n);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw JsonRpcException.invalidParams("invalid argument " + i + ": " + e.getMessage());
    }
  }

  // ---- value parsers, usable on fields of objects (call requests, filters) ----
  // Each throws IllegalArgumentException with a message fit for the client.

  public static Address address(JsonNode n) {
    String s = text(n, "address");
    requireHexPrefix(s);
    if (s.length() != 42) {
      throw new IllegalArgumentException(
          "hex string has length " + (s.length() - 2) + ", want 40 for address");
    }
    return Address.fromHex(s);
  }

  public static Hash hash(JsonNode n) {
    String s = text(n, "hash");
    requireHexPrefix(s);
    if (s.length() != 66) {
      throw new IllegalArgumentException(
          "hex string has length " + (s.length() - 2) + ", want 64 for hash");
    }
    return Hash.fromHex(s);
  }

  /** A storage slot key: up to 32 bytes of hex, left-padded with zeros (as geth accepts). */
  public static Hash storageKey(JsonNode n) {
    String s = text(n, "storage key");
    requireHexPrefix(s);
    if (s.length() > 66) {
      throw new IllegalArgumentException("storage key longer than 32 bytes");
    }
    String digits = s.substring(2);
    return Hash.fromHex("0x" + "0".repeat(64 - digits.length()) + digits);
  }

  public static byte[] data(JsonNode n) {
    String s = text(n, "hex data");
    requireHexPrefix(s);
    return Bytes.fromHex(s);
  }

  public static BigInteger quantity(JsonNode n) {
    String s = text(n, "hex quantity");
    requireHexPrefix(s);
    String digits = s.substring(2);
    if (digits.isEmpty()) {
      throw new IllegalArgumentException("hex string \"0x\" has no digits");
    }
    if (digits.length() > 64) {
      throw new IllegalArgumentException("hex number > 256 bits");
    }
    for (int k = 0; k < digits.length(); k++) {
      if (Character.digit(digits.charAt(k), 16) < 0) {
        throw new IllegalArgumentException("invalid hex string " + abbreviate(s));
      }
    }
    return new BigInteger(digits, 16);
  }

  public static long longQuantity(JsonNode n) {
    BigInteger v = quantity(n);
    if (v.bitLength() > 63) {
      throw new IllegalArgumentException("hex number > 63 bits");
    }
    return v.longValue();
  }

  public static boolean bool(JsonNode n) {
    if (!n.isBoolean()) {
      throw new IllegalArgumentException("want true or false, got " + kind(n));
    }
    return n.booleanValue();
  }

  /**
   * A tag ({@code latest}, {@code earliest}, {@code pending}, {@code safe}, {@code finalized}), a
   * hex number, or an EIP-1898 object {@code {blockHash}} / {@code {blockNumber}}. A single
   * sequencer does not reorganise, so {@code requireCanonical} holds for every known hash.
   */
  public static BlockRef block(JsonNode n) {
    if (n.isObject()) {
      JsonNode h = n.get("blockHash");
      JsonNode num = n.get("blockNumber");
      if ((h == null) == (num == null)) {
        throw new IllegalArgumentException("want exactly one of blockHash and blockNumber");
      }
      if (num != null) {
        return BlockRef.number(longQuantity(num));
      }
      JsonNode canonical = n.get("requireCanonical");
      if (canonical != null) {
        bool(canonical);
      }
      return BlockRef.hash(hash(h));
    }
    String s = text(n, "block number or tag");
    if (s.startsWith("0x") || s.startsWith("0X")) {
      return BlockRef.number(longQuantity(n));
    }
    return switch (s) {
      case "latest" -> BlockRef.LATEST;
      case "earliest" -> BlockRef.EARLIEST;
      case "pending" -> BlockRef.PENDING;
      case "safe" -> new BlockRef.Named(BlockRef.Tag.SAFE);
      case "finalized" -> new BlockRef.Named(BlockRef.Tag.FINALIZED);
      default ->
          throw new IllegalArgumentException(
              "want a block number (hex) or one of latest, earliest, pending, safe, finalized;"
                  + " got "
                  + abbreviate(s));
    };
  }

  public static <T> List<T> list(JsonNode n, Function<JsonNode, T> element) {
    if (!n.isArray()) {
      throw new IllegalArgumentException("want a JSON array, got " + kind(n));
    }
    List<T> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      out.add(element.apply(e));
    }
    return out;
  }

  private static String text(JsonNode n, String what) {
    if (!n.isTextual()) {
      throw new IllegalArgumentException("want a " + what + " as a JSON string, got " + kind(n));
    }
    return n.textValue();
  }

  private static void requireHexPrefix(String s) {
    if (!s.startsWith("0x") && !s.startsWith("0X")) {
      throw new IllegalArgumentException("hex string without 0x prefix: " + abbreviate(s));
    }
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
