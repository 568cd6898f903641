package io.openledger.chain.governance;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One governable parameter: its name, its genesis value and the bounds every proposal must keep it
 * in.
 *
 * @param name the genesis key, e.g. {@code platformBps}; on chain a {@code bytes32} holding the
 *     ASCII name, zero-padded on the right
 * @param genesisValue the value the genesis file set (base units for amounts of OPEN, seconds for
 *     windows)
 * @param min the least value a proposal may set
 * @param max the greatest value a proposal may set
 */
public record ParameterSpec(String name, BigInteger genesisValue, BigInteger min, BigInteger max) {
  public ParameterSpec {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()
        || name.length() > 32
        || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
      throw new IllegalArgumentException("a parameter name is 1 to 32 ASCII characters: " + name);
    }
    if (min.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + ": min " + min + " above max " + max);
    }
  }

  /** The name as {@code bytes32}: ASCII, zero-padded on the right. */
  public byte[] key() {
    return key(name);
  }

  public static byte[] key(String name) {
    return Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), 32);
  }

  /** The name a {@code bytes32} holds: its ASCII up to the first zero byte. */
  public static String nameOf(byte[] key) {
    int n = 0;
    while (n < key.length && key[n] != 0) {
      n++;
    }
    return new String(key, 0, n, StandardCharsets.US_ASCII);
  }

  public boolean allows(BigInteger value) {
    return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
  }

  /** Why {@code value} is refused, e.g. {@code platformBps = 20000 is out of bounds [0, 10000]}. */
  public String outOfBounds(BigInteger value) {
    return name + " = " + value + " is out of bounds [" + min + ", " + max + "]";
  }
}
