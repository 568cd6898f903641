package io.openledger.node.wallet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;

/** Parsing and printing shared by the wallet commands. */
public final class Wallets {
  private static final BigInteger GWEI = BigInteger.TEN.pow(9);

  private Wallets() {}

  public static Address parseAddress(String text, String what) {
    try {
      return Address.fromHex(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(what + ": not an address (0x + 40 hex digits): " + text);
    }
  }

  public static Hash parseHash(String text, String what) {
    try {
      return Hash.fromHex(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(what + ": not a hash (0x + 64 hex digits): " + text);
    }
  }

  /** Decimal OPEN ({@code 1.5}) to base units. */
  public static Amount parseOpen(String text, String what) {
    try {
      return Amount.parseOpen(text);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CliException(what + ": " + e.getMessage());
    }
  }

  /** Decimal gwei ({@code 1.5}) to base units per gas. */
  public static Amount parseGwei(String text, String what) {
    try {
      BigDecimal units = new BigDecimal(text.trim()).movePointRight(9);
      if (units.signum() < 0 || units.stripTrailingZeros().scale() > 0) {
        throw new IllegalArgumentException("want a non-negative gwei amount, at most 9 decimals");
      }
      return Amount.of(units.toBigIntegerExact());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CliException(what + ": not a gwei amount: " + text);
    }
  }

  public static String open(Amount a) {
    return a.toOpenString() + " OPEN";
  }

  public static String gwei(Amount a) {
    return new BigDecimal(a.value()).movePointLeft(9).stripTrailingZeros().toPlainString()
        + " gwei";
  }

  public static Amount amount(JsonNode quantity) {
    return Amount.of(NodeClient.quantity(quantity));
  }

  public static long number(JsonNode quantity) {
    return NodeClient.quantity(quantity).longValueExact();
  }

  static boolean isGwei(Amount a) {
    return a.value().mod(GWEI).signum() == 0;
  }

  public static void printJson(PrintWriter out, Object value) {
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.flush();
  }
}
