package io.openledger.chain.trie;

import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.WriteBatch;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;

/**
 * The stored tree over the in-memory store, committing at random moments; each tree gets a small
 * private cache so nodes are really read back from the store.
 */
class StoredSparseMerkleTreeTest extends SparseMerkleTreeContractTest {
  private final KeyValueStore store = new InMemoryKeyValueStore();

  @AfterEach
  void close() {
    store.close();
  }

  @Override
  protected SparseMerkleTree newTree() {
    return new StoredSparseMerkleTree(
        new JellyfishMerkleTree(store, new NodeCache(64)), io.openledger.chain.types.Hash.ZERO, 0);
  }

  @Override
  protected void maybeCommit(SparseMerkleTree tree, SplittableRandom random) {
    if (random.nextInt(4) == 0) {
      try (WriteBatch batch = store.newBatch()) {
        tree.commit(batch);
        batch.commit();
      }
    }
  }
}
