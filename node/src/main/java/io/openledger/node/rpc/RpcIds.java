package io.openledger.node.rpc;

import io.openledger.chain.types.Bytes;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where subscription and filter ids come from: {@code 0x} + 32 hex digits, as geth writes them;
 * random, so one client cannot guess another's.
 */
public final class RpcIds {
  private RpcIds() {}

  /** Random ids (what the node uses). */
  public static Supplier<String> random() {
    SecureRandom random = new SecureRandom();
    return () -> {
      byte[] raw = new byte[16];
      random.nextBytes(raw);
      return Bytes.toHex(raw);
    };
  }

  /** {@code 0x000…01}, {@code 0x000…02}, ...: reproducible ids for golden tests. */
  public static Supplier<String> counting() {
    AtomicLong next = new AtomicLong();
    return () -> String.format("0x%032x", next.incrementAndGet());
  }
}
