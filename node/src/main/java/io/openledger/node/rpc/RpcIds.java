package io.openledger.node.rpc;

import io.openledger.chain.types.Bytes;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where subscription and filter ids come from: 128 random bits written as geth writes them, a
 * {@code 0x} quantity without leading zeros, so one client cannot guess another's.
 *
 * <p>Clients treat ids as numbers: web3j parses a filter id into a {@code BigInteger} and sends it
 * back without leading zeros, so an id written with them would not be found again. Ids are
 * therefore issued in that form, and {@link #canonical} brings an id a client sends to it (a client
 * that pads the id, or writes it in upper case, still finds its filter).
 */
public final class RpcIds {
  private RpcIds() {}

  /** Random ids (what the node uses). */
  public static Supplier<String> random() {
    SecureRandom random = new SecureRandom();
    return () -> {
      byte[] raw = new byte[16];
      random.nextBytes(raw);
      return canonical(Bytes.toHex(raw));
    };
  }

  /** {@code 0x1}, {@code 0x2}, ...: reproducible ids for golden tests. */
  public static Supplier<String> counting() {
    AtomicLong next = new AtomicLong();
    return () -> "0x" + Long.toHexString(next.incrementAndGet());
  }

  /**
   * The id as issued: lower case, leading zeros dropped ({@code 0x00Ab} is {@code 0xab}, {@code
   * 0x000} is {@code 0x0}). Anything that is not {@code 0x} and hex digits comes back unchanged, so
   * it matches no id.
   */
  public static String canonical(String id) {
    if (id == null || id.length() < 3 || !id.startsWith("0x")) {
      return id;
    }
    int start = 2;
    for (int i = 2; i < id.length(); i++) {
      if (Character.digit(id.charAt(i), 16) < 0) {
        return id;
      }
    }
    while (start < id.length() - 1 && id.charAt(start) == '0') {
      start++;
    }
    return "0x" + id.substring(start).toLowerCase(Locale.ROOT);
  }
}
