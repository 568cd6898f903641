package io.openledger.chain.exec;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.genesis.Allocation;
import io.openledger.chain.genesis.AllocationCategory;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Executing one block of 10,000 signed OPEN transfers from 2,000 senders on a state of {@code
 * accounts} funded accounts: validation, execution, fee payment, and the state commitment (trie
 * update and root), in memory or over RocksDB; {@code write} also puts the block's trie nodes into
 * one synced RocksDB batch. Senders are recovered in setup (the mempool does it on admission).
 * Every invocation executes the same block on the same parent state. Command: docs/BENCHMARKS.md
 * ("Chain: execution").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class BlockExecutionBenchmark {
  static final int SENDERS = 2_000;
  static final int TRANSFERS = 10_000;

  @Param({"memory", "rocksdb"})
  public String store;

  @Param({"100000"})
  public int accounts;

  KeyValueStore kv;
  Path dir;
  BlockExecutor executor;
  BlockHeader parent;
  BlockEnvironment env;
  List<Transaction> block;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (store.equals("rocksdb")) {
      dir = Files.createTempDirectory("exec-bench");
      kv = RocksDbKeyValueStore.open(dir);
    } else {
      kv = new InMemoryKeyValueStore();
    }
    List<KeyPair> senders = new ArrayList<>();
    for (int i = 0; i < SENDERS; i++) {
      senders.add(KeyPair.fromPrivateKey(key(0x10_000 + i)));
    }
    Genesis genesis = genesis(senders, accounts);
    StateDatabase states = new StateDatabase(kv);
    ExecutedBlock g = genesis.toState(states);
    try (WriteBatch batch = kv.newBatch()) {
      g.stateCommit().writeTo(batch);
      batch.commit();
    }
    executor = new BlockExecutor(genesis.schedule(), states);
    parent = g.block().header();
    env =
        BlockEnvironment.after(
            parent,
            parent.timestamp() + 2,
            300_000_000,
            genesis.sequencer(),
            genesis.rules().feeMarket());
    block = transfers(senders, genesis.chainId(), env.baseFee());
    block.forEach(Transaction::sender); // recovered once, as the mempool does
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    kv.close();
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Execution and state commitment (root computed, nodes collected), nothing written. */
  @Benchmark
  public ExecutedBlock execute() {
    ExecutedBlock b = executor.execute(parent, env, block);
    if (b.block().transactions().size() != TRANSFERS) {
      throw new IllegalStateException(
          "skipped " + b.skipped().size() + ": " + b.skipped().getFirst());
    }
    return b;
  }

  /**
   * The same, plus the trie nodes written in one synced batch (the ledger adds the block to it).
   */
  @Benchmark
  public ExecutedBlock executeAndWrite() {
    ExecutedBlock b = execute();
    try (WriteBatch batch = kv.newBatch()) {
      b.stateCommit().writeTo(batch);
      batch.commit(Durability.SYNC);
    }
    return b;
  }

  static List<Transaction> transfers(List<KeyPair> senders, long chainId, Amount baseFee) {
    SplittableRandom rnd = new SplittableRandom(10_000);
    List<Transaction> txs = new ArrayList<>(TRANSFERS);
    int perSender = TRANSFERS / senders.size();
    for (int n = 0; n < perSender; n++) {
      for (KeyPair from : senders) {
        Address to = senders.get(rnd.nextInt(senders.size())).address();
        txs.add(
            TransactionBuilder.eip1559(chainId)
                .nonce(n)
                .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
                .maxFeePerGas(baseFee.multiply(2).add(Amount.of(1_000_000_000L)))
                .gasLimit(21_000)
                .to(to)
                .value(Amount.of(rnd.nextLong(1, 1_000_000_000_000L)))
                .sign(from));
      }
    }
    return txs;
  }

  /**
   * Senders with 1,000 OPEN each, {@code accounts} other holders with 100 OPEN, pools for the rest.
   */
  static Genesis genesis(List<KeyPair> senders, int accounts) {
    List<Allocation> allocs = new ArrayList<>();
    for (KeyPair s : senders) {
      allocs.add(
          new Allocation(
              AllocationCategory.LIQUIDITY, s.address(), Amount.open(1_000), Optional.empty(), ""));
    }
    for (int i = 0; i < accounts; i++) {
      byte[] a = new byte[20];
      a[0] = 0x77;
      a[16] = (byte) (i >>> 24);
      a[17] = (byte) (i >>> 16);
      a[18] = (byte) (i >>> 8);
      a[19] = (byte) i;
      allocs.add(
          new Allocation(
              AllocationCategory.LIQUIDITY,
              Address.wrap(a),
              Amount.open(100),
              Optional.empty(),
              ""));
    }
    for (AllocationCategory c : AllocationCategory.values()) {
      Amount used =
          allocs.stream()
              .filter(a -> a.category() == c)
              .map(Allocation::amount)
              .reduce(Amount.ZERO, Amount::add);
      allocs.add(
          new Allocation(
              c,
              Address.fromHex(
                  String.format("0x20000000000000000000000000000000000000%02x", c.ordinal())),
              c.share().subtract(used),
              Optional.empty(),
              "pool"));
    }
    return new Genesis(
        "bench",
        1337,
        1_800_000_000L,
        300_000_000,
        Amount.of(1_000_000_000L),
        Amount.of(1_000_000L),
        2_000,
        Address.fromHex("0x0000000000000000000000000000000000001000"),
        Address.fromHex("0x30000000000000000000000000000000000000aa"),
        false,
        allocs,
        EconomyParameters.DEFAULTS);
  }

  private static byte[] key(int i) {
    byte[] k = new byte[32];
    byte[] raw = BigInteger.valueOf(i).toByteArray();
    System.arraycopy(raw, 0, k, 32 - raw.length, raw.length);
    return k;
  }
}
