package io.openledger.chain.types;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An unsigned 256-bit amount in base units (10^18 per OPEN). The one value type for balances, fees
 * and gas prices: arithmetic that would leave [0, 2^256) throws {@link ArithmeticException}, never
 * wraps.
 */
public record Amount(BigInteger value) implements Comparable<Amount> {
  public static final BigInteger MAX_VALUE = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
  public static final BigInteger UNITS_PER_OPEN = BigInteger.TEN.pow(18);
  public static final Amount ZERO = new Amount(BigInteger.ZERO);

  public Amount {
    if (value.signum() < 0 || value.compareTo(MAX_VALUE) > 0) {
      throw new ArithmeticException("amount out of uint256 range: " + value);
    }
  }

  public static Amount of(long baseUnits) {
    return new Amount(BigInteger.valueOf(baseUnits));
  }

  public static Amount of(BigInteger baseUnits) {
    return new Amount(baseUnits);
  }

  /** Whole OPEN to base units. */
  public static Amount open(long wholeOpen) {
    return new Amount(BigInteger.valueOf(wholeOpen).multiply(UNITS_PER_OPEN));
  }

  /** Parses a decimal OPEN amount such as {@code 1.5} (at most 18 decimals) into base units. */
  public static Amount parseOpen(String decimal) {
    BigDecimal d;
    try {
      d = new BigDecimal(decimal.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: " + decimal);
    }
    BigDecimal units = d.movePointRight(18);
    if (units.signum() < 0) {
      throw new IllegalArgumentException("amount must not be negative: " + decimal);
    }
    if (units.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("more than 18 decimals: " + decimal);
    }
    return new Amount(units.toBigIntegerExact());
  }

  /** Parses {@code 0x}-prefixed hex quantity as JSON-RPC writes it. */
  public static Amount fromHexQuantity(String hex) {
    if (hex == null || !hex.startsWith("0x") || hex.length() < 3 || hex.length() > 66) {
      throw new IllegalArgumentException("invalid hex quantity: " + hex);
    }
    try {
      return new Amount(new BigInteger(hex.substring(2), 16));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid hex quantity: " + hex);
    }
  }

  public Amount add(Amount o) {
    return new Amount(value.add(o.value));
  }

  public Amount subtract(Amount o) {
    return new Amount(value.subtract(o.value));
  }

  public Amount multiply(long factor) {
    return new Amount(value.multiply(BigInteger.valueOf(factor)));
  }

  public Amount multiply(Amount o) {
    return new Amount(value.multiply(o.value));
  }

  public Amount divide(long divisor) {
    return new Amount(value.divide(BigInteger.valueOf(divisor)));
  }

  public Amount min(Amount o) {
    return compareTo(o) <= 0 ? this : o;
  }

  public Amount max(Amount o) {
    return compareTo(o) >= 0 ? this : o;
  }

  public boolean isZero() {
    return value.signum() == 0;
  }

  public boolean lessThan(Amount o) {
    return value.compareTo(o.value) < 0;
  }

  public long longValueExact() {
    return value.longValueExact();
  }

  /** Big-endian, 32 bytes. */
  public byte[] toBytes32() {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  public static Amount fromBytes(byte[] bigEndian) {
    return new Amount(new BigInteger(1, bigEndian));
  }

  /** JSON-RPC quantity: {@code 0x} + hex without leading zeros ({@code 0x0} for zero). */
  public String toHexQuantity() {
    return "0x" + value.toString(16);
  }

  /** Decimal OPEN, trailing zeros trimmed: {@code 1.5}. */
  public String toOpenString() {
    BigDecimal d = new BigDecimal(value).movePointLeft(18).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }

  @Override
  public int compareTo(Amount o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
