package io.openledger.chain.trie;

import io.openledger.chain.store.Durability;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of the state commitment's hot paths (thread CPU time, so far less disturbed by other
 * processes on the machine than JMH's wall clock): a chain of blocks of 1k and 10k updates (90%
 * existing accounts, 10% new) on a tree of n leaves, each committed with one synced batch; and
 * proofs. Usage: {@code StateTreeCpuCost [leaves=1000000] [memory|rocksdb] [cacheNodes=1000000]}.
 * Command in docs/BENCHMARKS.md ("Chain: state commitment and storage").
 */
public final class StateTreeCpuCost {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private StateTreeCpuCost() {}

  public static void main(String[] args) throws IOException {
    int leaves = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String storeKind = args.length > 1 ? args[1] : "memory";
    int cacheNodes = args.length > 2 ? Integer.parseInt(args[2]) : NodeCache.DEFAULT_MAX_NODES;
    Path dir = storeKind.equals("rocksdb") ? Files.createTempDirectory("state-cpu") : null;
    try (KeyValueStore store =
        dir != null ? RocksDbKeyValueStore.open(dir) : new InMemoryKeyValueStore()) {
      run(store, storeKind, leaves, cacheNodes);
    } finally {
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static void run(KeyValueStore store, String kind, int leaves, int cacheNodes) {
    JellyfishMerkleTree tree = new JellyfishMerkleTree(store, new NodeCache(cacheNodes));
    SplittableRandom r = new SplittableRandom(42);
    Hash[] keys = new Hash[leaves];
    Hash root = Hash.ZERO;
    long version = 0;
    long start = System.nanoTime();
    for (int done = 0; done < leaves; ) {
      Map<Hash, Optional<byte[]>> chunk = new TreeMap<>();
      for (int i = 0; i < 100_000 && done < leaves; i++, done++) {
        keys[done] = StateTreeBenchmark.randomKey(r);
        chunk.put(keys[done], Optional.of(StateTreeBenchmark.randomValue(r)));
      }
      root = commit(store, tree.apply(root, chunk, ++version), Durability.BUFFERED);
    }
    System.out.printf(
        "%s, %,d leaves, cache %,d nodes: built in %.1f s%n",
        kind, leaves, cacheNodes, (System.nanoTime() - start) / 1e9);
    for (int updates : new int[] {1_000, 10_000}) {
      int blocks = 11;
      double[] applyMs = new double[blocks];
      double[] commitMs = new double[blocks];
      int nodes = 0;
      for (int b = 0; b < blocks; b++) {
        Map<Hash, Optional<byte[]>> block = new TreeMap<>();
        while (block.size() < updates) {
          Hash k = r.nextInt(10) == 0 ? StateTreeBenchmark.randomKey(r) : keys[r.nextInt(leaves)];
          block.put(k, Optional.of(StateTreeBenchmark.randomValue(r)));
        }
        long cpu = CPU.getCurrentThreadCpuTime();
        TreeUpdate u = tree.apply(root, block, ++version);
        applyMs[b] = (CPU.getCurrentThreadCpuTime() - cpu) / 1e6;
        long wall = System.nanoTime();
        root = commit(store, u, Durability.SYNC);
        commitMs[b] = (System.nanoTime() - wall) / 1e6;
        nodes = u.newNodes().size();
      }
      // the first 3 blocks warm the JIT and the cache
      double apply = median(Arrays.copyOfRange(applyMs, 3, blocks));
      System.out.printf(
          "  %,6d updates/block: apply %.1f ms CPU (%,.0f updates/s), %,d new nodes,"
              + " synced commit %.1f ms wall%n",
          updates,
          apply,
          updates / (apply / 1e3),
          nodes,
          median(Arrays.copyOfRange(commitMs, 3, blocks)));
    }
    double[] proofUs = new double[5];
    for (int round = 0; round < proofUs.length; round++) {
      long cpu = CPU.getCurrentThreadCpuTime();
      for (int i = 0; i < 10_000; i++) {
        tree.proof(root, keys[r.nextInt(leaves)]);
      }
      proofUs[round] = (CPU.getCurrentThreadCpuTime() - cpu) / 1e3 / 10_000;
    }
    System.out.printf("  proof: %.1f us CPU%n", median(Arrays.copyOfRange(proofUs, 1, 5)));
  }

  private static Hash commit(KeyValueStore store, TreeUpdate u, Durability durability) {
    try (WriteBatch batch = store.newBatch()) {
      u.writeTo(batch);
      batch.commit(durability);
    }
    return u.root();
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
