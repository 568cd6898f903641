package io.openledger.chain.tx;

import io.openledger.chain.crypto.BouncyCastleSecp256k1;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.crypto.NativeSecp256k1;
import io.openledger.chain.crypto.Secp256k1;
import io.openledger.chain.crypto.Signature;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * CPU time per operation (thread CPU time, not wall time) for recovery, signing and decoding: a
 * figure that other processes on a shared machine disturb far less than JMH's wall-clock scores.
 * Not a test; run with the command in docs/BENCHMARKS.md.
 */
public final class SignatureAndDecodeCpuCost {
  private static Object sink;

  private SignatureAndDecodeCpuCost() {}

  public static void main(String[] args) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    SplittableRandom rnd = new SplittableRandom(1);
    Hash[] hashes = new Hash[256];
    Signature[] sigs = new Signature[256];
    for (int i = 0; i < 256; i++) {
      byte[] key = new byte[32];
      rnd.nextBytes(key);
      key[0] &= 0x7f;
      key[31] |= 1;
      byte[] m = new byte[32];
      rnd.nextBytes(m);
      hashes[i] = Hash.wrap(m);
      sigs[i] = BouncyCastleSecp256k1.INSTANCE.sign(hashes[i], key);
    }
    Secp256k1 nat = NativeSecp256k1.load().orElseThrow();
    Secp256k1 bc = BouncyCastleSecp256k1.INSTANCE;
    KeyPair kp = KeyPair.fromPrivateKeyHex("0x" + "44".repeat(32));
    byte[] raw =
        TransactionBuilder.eip1559(1337)
            .nonce(12)
            .maxPriorityFeePerGas(Amount.of(1_000_000_000))
            .maxFeePerGas(Amount.of(2_000_000_000))
            .to(Address.fromHex("0x" + "55".repeat(20)))
            .value(Amount.open(3))
            .sign(kp)
            .encode();
    TransactionDecoder decoder = new TransactionDecoder(1337);
    for (int round = 0; round < 5; round++) {
      System.out.printf(
          "round %d (CPU µs/op): recover libsecp256k1 %.1f, recover bouncycastle %.1f,"
              + " sign libsecp256k1 %.1f, decode with recovery %.1f, decode structure %.2f%n",
          round,
          cpu(mx, 20_000, i -> nat.recoverAddress(hashes[i & 255], sigs[i & 255])),
          cpu(mx, 3_000, i -> bc.recoverAddress(hashes[i & 255], sigs[i & 255])),
          cpu(mx, 5_000, i -> kp.sign(hashes[i & 255])),
          cpu(mx, 20_000, i -> decoder.decode(raw)),
          cpu(mx, 500_000, i -> TransactionDecoder.decodeStored(raw)));
    }
  }

  private static double cpu(ThreadMXBean mx, int iterations, IntFunction<Object> op) {
    long t0 = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < iterations; i++) {
      sink = op.apply(i);
    }
    return (mx.getCurrentThreadCpuTime() - t0) / 1000.0 / iterations;
  }
}
