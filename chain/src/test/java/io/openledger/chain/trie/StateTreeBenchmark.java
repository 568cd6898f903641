package io.openledger.chain.trie;

import io.openledger.chain.store.Durability;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
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
 * The state commitment's hot paths on a tree of {@code leaves} accounts (default 1M), in memory and
 * on RocksDB: one block's batched update (1k or 10k keys: 90% existing accounts changed, 10% new),
 * with and without writing the new nodes in one synced batch, and proof generation. Run with the
 * command in docs/BENCHMARKS.md ("Chain: state commitment and storage").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx6g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"})
public class StateTreeBenchmark {
  private static final int VALUE_BYTES = 72; // an account: balance, nonce, code hash

  /** A committed tree of {@code leaves} random keys in the chosen store. */
  @State(Scope.Benchmark)
  public static class Tree {
    @Param({"memory", "rocksdb"})
    public String store;

    @Param({"1000000"})
    public int leaves;

    /** Node cache capacity; a tree of n leaves has about 2n nodes. */
    @Param({"1000000"})
    public int cacheNodes;

    KeyValueStore kv;
    Path dir;
    JellyfishMerkleTree tree;
    Hash root = Hash.ZERO;
    Hash[] keys;
    long version;

    @Setup(Level.Trial)
    public void build() throws IOException {
      if (store.equals("rocksdb")) {
        dir = Files.createTempDirectory("state-bench");
        kv = RocksDbKeyValueStore.open(dir);
      } else {
        kv = new InMemoryKeyValueStore();
      }
      tree = new JellyfishMerkleTree(kv, new NodeCache(cacheNodes));
      SplittableRandom r = new SplittableRandom(42);
      keys = new Hash[leaves];
      for (int done = 0; done < leaves; ) {
        Map<Hash, Optional<byte[]>> chunk = new TreeMap<>();
        for (int i = 0; i < 100_000 && done < leaves; i++, done++) {
          keys[done] = randomKey(r);
          chunk.put(keys[done], Optional.of(randomValue(r)));
        }
        commit(tree.apply(root, chunk, ++version), Durability.BUFFERED);
      }
    }

    void commit(TreeUpdate update, Durability durability) {
      try (WriteBatch batch = kv.newBatch()) {
        update.writeTo(batch);
        batch.commit(durability);
      }
      root = update.root();
      version = update.version();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      kv.close();
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** 16 different blocks' worth of updates, used in turn. */
  @State(Scope.Thread)
  public static class Blocks {
    @Param({"1000", "10000"})
    public int updates;

    final List<Map<Hash, Optional<byte[]>>> blocks = new ArrayList<>();
    int next;
    Hash probe;

    @Setup(Level.Trial)
    public void generate(Tree tree) {
      SplittableRandom r = new SplittableRandom(7);
      for (int b = 0; b < 16; b++) {
        Map<Hash, Optional<byte[]>> block = new TreeMap<>();
        while (block.size() < updates) {
          Hash k = r.nextInt(10) == 0 ? randomKey(r) : tree.keys[r.nextInt(tree.keys.length)];
          block.put(k, Optional.of(randomValue(r)));
        }
        blocks.add(block);
      }
    }

    Map<Hash, Optional<byte[]>> nextBlock() {
      return blocks.get(next++ & (blocks.size() - 1));
    }
  }

  /** Computing the new root and nodes of one block on the same base root (nothing written). */
  @Benchmark
  public Hash updateBatch(Tree t, Blocks b) {
    return t.tree.apply(t.root, b.nextBlock(), t.version + 1).root();
  }

  /** One block end to end: new root, nodes into a batch, one synced (fsynced WAL) commit. */
  @Benchmark
  public Hash updateAndCommit(Tree t, Blocks b) {
    TreeUpdate u = t.tree.apply(t.root, b.nextBlock(), t.version + 1);
    t.commit(u, Durability.SYNC);
    return u.root();
  }

  /** Proof of a random existing account. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public SparseMerkleProof proof(Tree t, ProbeKeys p) {
    return t.tree.proof(t.root, p.next(t));
  }

  /** Light-client verification of a proof (no store). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public boolean verify(ProofSample s) {
    return SparseMerkleProof.verify(s.root, s.key, Optional.of(s.value), s.proof);
  }

  @State(Scope.Thread)
  public static class ProbeKeys {
    private final SplittableRandom r = new SplittableRandom(9);

    Hash next(Tree t) {
      return t.keys[r.nextInt(t.keys.length)];
    }
  }

  /** One proof in a tree of 1M, made once. */
  @State(Scope.Benchmark)
  public static class ProofSample {
    Hash root;
    Hash key;
    byte[] value;
    SparseMerkleProof proof;

    @Setup(Level.Trial)
    public void make(Tree t) {
      key = t.keys[12_345 % t.keys.length];
      root = t.root;
      value = t.tree.get(root, key).orElseThrow();
      proof = t.tree.proof(root, key);
    }
  }

  static Hash randomKey(SplittableRandom r) {
    byte[] k = new byte[32];
    r.nextBytes(k);
    return Hash.wrap(k);
  }

  static byte[] randomValue(SplittableRandom r) {
    byte[] v = new byte[VALUE_BYTES];
    r.nextBytes(v);
    return v;
  }
}
