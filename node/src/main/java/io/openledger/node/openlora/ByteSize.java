package io.openledger.node.openlora;

import io.openledger.node.cli.CliException;
import java.util.Locale;
import picocli.CommandLine;

/**
 * A size in bytes from the command line: a plain number ({@code 268435456}) or one with a unit
 * ({@code 256MiB}, {@code 1GiB}, {@code 512MB}, {@code 64k}). Binary units (KiB, MiB, GiB) and
 * their one-letter forms (k, m, g) are powers of 1024; KB, MB, GB are powers of 1000.
 */
public final class ByteSize implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    try {
      return parse(value);
    } catch (CliException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  public static long parse(String value) {
    String v = value.trim();
    int i = 0;
    while (i < v.length() && Character.isDigit(v.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new CliException("not a size in bytes: '" + value + "' (try 268435456 or 256MiB)");
    }
    long number;
    try {
      number = Long.parseLong(v.substring(0, i));
    } catch (NumberFormatException e) {
      throw new CliException("size too large: '" + value + "'");
    }
    long unit =
        switch (v.substring(i).trim().toLowerCase(Locale.ROOT)) {
          case "", "b" -> 1L;
          case "k", "kib" -> 1L << 10;
          case "m", "mib" -> 1L << 20;
          case "g", "gib" -> 1L << 30;
          case "kb" -> 1_000L;
          case "mb" -> 1_000_000L;
          case "gb" -> 1_000_000_000L;
          default ->
              throw new CliException(
                  "unknown size unit in '" + value + "' (use B, KiB, MiB, GiB, KB, MB or GB)");
        };
    try {
      long bytes = Math.multiplyExact(number, unit);
      if (bytes <= 0) {
        throw new CliException("size must be positive: '" + value + "'");
      }
      return bytes;
    } catch (ArithmeticException e) {
      throw new CliException("size too large: '" + value + "'");
    }
  }
}
