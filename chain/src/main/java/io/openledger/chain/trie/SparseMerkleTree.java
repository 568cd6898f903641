package io.openledger.chain.trie;

import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.util.Map;
import java.util.Optional;

/**
 * A mutable view of the binary sparse Merkle tree that commits the state (Besu's {@code
 * MerkleTrie}: get, put, remove, rootHash, proof, commit). Keys are 256-bit: the caller hashes its
 * logical key (keccak-256 of an address, of a module storage slot, ...). Values are byte arrays; an
 * empty array is a value, distinct from absence. Hashing rules, node encoding and the proof format
 * are in docs/state-commitment.md.
 *
 * <p>Implementations: {@link InMemorySparseMerkleTree} (tests and tools) and {@link
 * StoredSparseMerkleTree} (nodes in the key-value store, over {@link JellyfishMerkleTree}). Both
 * give the same root for the same set of entries, whatever the order of operations. Not
 * thread-safe.
 *
 * <p>Arrays passed in and returned are not copied: do not modify them.
 */
public interface SparseMerkleTree {
  /** The value stored under {@code key}, if any. */
  Optional<byte[]> get(Hash key);

  /** Stores {@code value} under {@code key}, replacing any previous value. */
  void put(Hash key, byte[] value);

  /** Removes {@code key}; does nothing if it is absent. */
  void remove(Hash key);

  /**
   * Applies many updates at once: a present value puts, {@code Optional.empty()} removes. Same
   * result as applying them one by one, faster on stored trees (one pass per level).
   */
  default void putAll(Map<Hash, Optional<byte[]>> updates) {
    updates.forEach((k, v) -> v.ifPresentOrElse(x -> put(k, x), () -> remove(k)));
  }

  /** The root hash over every entry, including uncommitted changes. {@link Hash#ZERO} if empty. */
  Hash rootHash();

  /**
   * A proof of the value of {@code key} (inclusion) or of its absence (exclusion) at rootHash().
   */
  SparseMerkleProof proof(Hash key);

  /**
   * Writes the nodes created since the last commit into {@code batch} (nothing for trees held only
   * in memory) and returns the root they commit to. The caller commits the batch, together with the
   * block, in one atomic write.
   */
  Hash commit(WriteBatch batch);
}
