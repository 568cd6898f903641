package io.openledger.chain.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Feeds random and mutated bytes to {@link TransactionDecoder}: it must never throw, only return
 * {@link DecodeResult.Invalid}, and every input it accepts must be exactly the canonical encoding
 * of what it decoded (so one transaction has one encoding and one hash). Mutations start from valid
 * encodings of both types: bit flips, byte overwrites, truncations, extensions, insertions and
 * deletions, length-prefix and type-byte corruption, splices, and plain random bytes.
 */
class TransactionDecoderFuzzTest {
  private static final long CHAIN = 1337;

  @Test
  void millionInputsNeverThrowAndAcceptedOnesAreCanonical() {
    Stats s = fuzz(1_000_000, 11);
    System.out.printf(
        "TransactionDecoder fuzz: %,d inputs tried, %,d accepted, %,d rejected%n",
        s.tried, s.accepted, s.tried - s.accepted);
    assertThat(s.tried).isEqualTo(1_000_000);
    assertThat(s.accepted).isPositive(); // mutations of fields keep some inputs valid
  }

  @Test
  @Tag("slow")
  void tenMillionInputs() {
    Stats s = fuzz(10_000_000, 12);
    System.out.printf(
        "TransactionDecoder fuzz (slow): %,d inputs tried, %,d accepted%n", s.tried, s.accepted);
    assertThat(s.tried).isEqualTo(10_000_000);
  }

  private record Stats(long tried, long accepted) {}

  /**
   * Runs {@code count} inputs in 8 seeded chunks (in parallel: the result does not depend on it).
   */
  private static Stats fuzz(int count, long seed) {
    RandomTransactions gen = new RandomTransactions(seed);
    List<byte[]> seeds = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      seeds.add(gen.next(CHAIN).encode());
    }
    for (int i = 0; i < 30; i++) {
      seeds.add(
          TransactionBuilder.legacyUnprotected()
              .nonce(i)
              .to(Address.ZERO)
              .sign(gen.keys.get(i % 16))
              .encode());
    }
    int chunks = 8;
    long accepted =
        IntStream.range(0, chunks)
            .parallel()
            .mapToLong(c -> fuzzChunk(seeds, seed * 31 + c, c, count / chunks))
            .sum();
    return new Stats(count, accepted);
  }

  private static long fuzzChunk(List<byte[]> seeds, long seed, int chunk, int count) {
    TransactionDecoder strict = new TransactionDecoder(CHAIN);
    TransactionDecoder lenient = new TransactionDecoder(CHAIN, true);
    SplittableRandom rnd = new SplittableRandom(seed);
    long accepted = 0;
    for (int i = 0; i < count; i++) {
      byte[] input = mutate(rnd, seeds);
      DecodeResult r;
      try {
        r = (i & 1) == 0 ? strict.decode(input) : lenient.decode(input);
      } catch (Throwable t) {
        throw new AssertionError(
            "chunk " + chunk + " case " + i + " threw on " + Bytes.toHex(input), t);
      }
      if (r instanceof DecodeResult.Valid(Transaction tx)) {
        accepted++;
        if (!Arrays.equals(tx.encode(), input)) {
          fail(
              "chunk %d case %d accepted a non-canonical encoding %s",
              chunk, i, Bytes.toHex(input));
        }
      } else if (((DecodeResult.Invalid) r).reason().isEmpty()) {
        fail("chunk %d case %d rejected without a reason", chunk, i);
      }
    }
    return accepted;
  }

  private static byte[] mutate(SplittableRandom rnd, List<byte[]> seeds) {
    byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
    switch (rnd.nextInt(10)) {
      case 0, 1 -> { // flip 1-3 bits
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
          b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        return b;
      }
      case 2 -> { // overwrite a byte
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        return b;
      }
      case 3 -> { // truncate
        return Arrays.copyOf(b, rnd.nextInt(b.length));
      }
      case 4 -> { // extend with random bytes
        byte[] e = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(8));
        for (int k = b.length; k < e.length; k++) {
          e[k] = (byte) rnd.nextInt(256);
        }
        return e;
      }
      case 5 -> { // corrupt a length prefix: the outer header or an early field header
        int at = rnd.nextInt(Math.min(b.length, 6));
        int delta = rnd.nextInt(2) == 0 ? 1 + rnd.nextInt(3) : -(1 + rnd.nextInt(3));
        b[at] = (byte) (b[at] + delta);
        return b;
      }
      case 6 -> { // insert or delete one byte
        int at = rnd.nextInt(b.length);
        if (rnd.nextBoolean()) {
          byte[] e = new byte[b.length + 1];
          System.arraycopy(b, 0, e, 0, at);
          e[at] = (byte) rnd.nextInt(256);
          System.arraycopy(b, at, e, at + 1, b.length - at);
          return e;
        }
        byte[] e = new byte[b.length - 1];
        System.arraycopy(b, 0, e, 0, at);
        System.arraycopy(b, at + 1, e, at, b.length - at - 1);
        return e;
      }
      case 7 -> { // change the type byte or strip it
        if (rnd.nextBoolean()) {
          b[0] = (byte) rnd.nextInt(256);
          return b;
        }
        return Arrays.copyOfRange(b, 1, b.length);
      }
      case 8 -> { // splice two encodings
        byte[] o = seeds.get(rnd.nextInt(seeds.size()));
        int cut = rnd.nextInt(b.length);
        int from = rnd.nextInt(o.length);
        byte[] e = Arrays.copyOf(b, cut + o.length - from);
        System.arraycopy(o, from, e, cut, o.length - from);
        return e;
      }
      default -> { // random bytes, sometimes behind a plausible header
        byte[] e = new byte[rnd.nextInt(160)];
        rnd.nextBytes(e);
        if (e.length > 2 && rnd.nextBoolean()) {
          e[0] = (byte) (rnd.nextBoolean() ? 0x02 : 0xf8);
        }
        return e;
      }
    }
  }
}
