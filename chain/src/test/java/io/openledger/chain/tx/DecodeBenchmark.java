package io.openledger.chain.tx;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
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
 * Decoding a signed OPEN transfer (about 110 bytes): structure only ({@code decodeStored}), the
 * full RPC path with sender recovery ({@code decode}), and web3j's decoder for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DecodeBenchmark {
  @Param({"eip1559", "legacy"})
  public String type;

  private byte[] raw;
  private String rawHex;
  private final TransactionDecoder decoder = new TransactionDecoder(1337);

  @Setup(Level.Trial)
  public void setUp() {
    KeyPair key = KeyPair.fromPrivateKeyHex("0x" + "44".repeat(32));
    TransactionBuilder b =
        type.equals("eip1559") ? TransactionBuilder.eip1559(1337) : TransactionBuilder.legacy(1337);
    raw =
        b.nonce(12)
            .maxPriorityFeePerGas(Amount.of(1_000_000_000))
            .maxFeePerGas(Amount.of(2_000_000_000))
            .to(Address.fromHex("0x" + "55".repeat(20)))
            .value(Amount.open(3))
            .sign(key)
            .encode();
    rawHex = Bytes.toHex(raw);
  }

  @Benchmark
  public Transaction structureOnly() {
    return TransactionDecoder.decodeStored(raw);
  }

  @Benchmark
  public DecodeResult fullWithSenderRecovery() {
    return decoder.decode(raw);
  }

  @Benchmark
  public Object web3jStructureOnly() {
    return org.web3j.crypto.TransactionDecoder.decode(rawHex);
  }
}
