package io.openledger.chain.trie;

import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link SparseMerkleTree} whose nodes live in the key-value store: a mutable working copy on top
 * of a committed root of a {@link JellyfishMerkleTree}. Changes gather in memory; {@link #rootHash}
 * applies them in one batched pass, and {@link #commit} puts the new nodes into the caller's write
 * batch. Until that batch is committed, the new root is readable only through this object (and the
 * node cache).
 */
public final class StoredSparseMerkleTree implements SparseMerkleTree {
  private final JellyfishMerkleTree tree;
  private final TreeMap<Hash, Optional<byte[]>> pending = new TreeMap<>();
  private Hash committedRoot;
  private long version;
  private TreeUpdate applied; // pending applied to committedRoot; null when stale

  /**
   * @param tree the stored tree to read from
   * @param root the committed root to start from ({@link Hash#ZERO} for an empty tree)
   * @param version the version of {@code root} (block number); commits count up from it
   */
  public StoredSparseMerkleTree(JellyfishMerkleTree tree, Hash root, long version) {
    this.tree = Objects.requireNonNull(tree, "tree");
    this.committedRoot = Objects.requireNonNull(root, "root");
    this.version = version;
  }

  /** An empty tree over {@code store} with its own default cache. */
  public static StoredSparseMerkleTree empty(KeyValueReader store) {
    return new StoredSparseMerkleTree(new JellyfishMerkleTree(store), Hash.ZERO, 0);
  }

  @Override
  public Optional<byte[]> get(Hash key) {
    Optional<byte[]> change = pending.get(key);
    return change != null ? change : tree.get(committedRoot, key);
  }

  @Override
  public void put(Hash key, byte[] value) {
    pending.put(Objects.requireNonNull(key, "key"), Optional.of(value));
    applied = null;
  }

  @Override
  public void remove(Hash key) {
    pending.put(Objects.requireNonNull(key, "key"), Optional.empty());
    applied = null;
  }

  @Override
  public void putAll(Map<Hash, Optional<byte[]>> updates) {
    updates.forEach((k, v) -> pending.put(Objects.requireNonNull(k, "key"), v));
    applied = null;
  }

  @Override
  public Hash rootHash() {
    return pending.isEmpty() ? committedRoot : applied().root();
  }

  @Override
  public SparseMerkleProof proof(Hash key) {
    if (pending.isEmpty()) {
      return tree.proof(committedRoot, key);
    }
    TreeUpdate u = applied();
    return tree.proof(u.root(), key, u.newNodes());
  }

  /**
   * Puts the nodes of the changes since the last commit into {@code batch} and makes the new root
   * the base of further changes. The caller must commit the batch.
   */
  @Override
  public Hash commit(WriteBatch batch) {
    return commitUpdate(batch).root();
  }

  /**
   * As {@link #commit}, returning the whole update: the new nodes it put into {@code batch} and the
   * stale nodes a pruner needs (none when nothing changed).
   */
  public TreeUpdate commitUpdate(WriteBatch batch) {
    if (pending.isEmpty()) {
      return new TreeUpdate(committedRoot, version, Map.of(), List.of());
    }
    TreeUpdate u = applied();
    u.writeTo(batch);
    committedRoot = u.root();
    version = u.version();
    pending.clear();
    applied = null;
    return u;
  }

  /** The version of the last committed root. */
  public long version() {
    return version;
  }

  private TreeUpdate applied() {
    if (applied == null) {
      applied = tree.apply(committedRoot, pending, version + 1);
    }
    return applied;
  }
}
