package io.openledger.chain.crypto;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signer recovery (what every incoming transaction costs) and signing, libsecp256k1 vs
 * BouncyCastle. Run with the command in docs/BENCHMARKS.md ("Chain: signatures and decoding").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SenderRecoveryBenchmark {
  @Param({"libsecp256k1", "bouncycastle"})
  public String impl;

  private Secp256k1 secp;
  private final Hash[] hashes = new Hash[256];
  private final Signature[] signatures = new Signature[256];
  private final byte[][] keys = new byte[256][];
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    secp =
        impl.equals("libsecp256k1")
            ? NativeSecp256k1.load().orElseThrow()
            : BouncyCastleSecp256k1.INSTANCE;
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < hashes.length; i++) {
      keys[i] = Secp256k1Test.randomKey(rnd);
      hashes[i] = Hash.wrap(Secp256k1Test.randomBytes(rnd, 32));
      signatures[i] = BouncyCastleSecp256k1.INSTANCE.sign(hashes[i], keys[i]);
    }
  }

  @Benchmark
  public Address recover() {
    int i = next++ & 255;
    return secp.recoverAddress(hashes[i], signatures[i]).orElseThrow();
  }

  @Benchmark
  public Signature sign() {
    int i = next++ & 255;
    return secp.sign(hashes[i], keys[i]);
  }
}
