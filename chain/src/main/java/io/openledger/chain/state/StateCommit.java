package io.openledger.chain.state;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of {@link WorldState#commit()}: the new state root, and the store writes (trie nodes)
 * that make it readable. Nothing is written until the caller puts them into the block's batch with
 * {@link #writeTo} and commits that batch, so a block and its state land in one atomic write.
 *
 * @param stateRoot root of the state tree after the block ({@link Hash#ZERO} for an empty state)
 * @param writes store operations, in the order they must be applied
 * @param staleNodes hashes of the tree nodes of the parent's root that the new root no longer
 *     references: what a {@link StatePruner} may delete once no kept root needs them
 */
public record StateCommit(Hash stateRoot, List<Write> writes, List<Hash> staleNodes) {
  public StateCommit {
    writes = List.copyOf(writes);
    staleNodes = List.copyOf(staleNodes);
  }

  /** A commit that reports no stale nodes (a state not kept in the pruned store). */
  public StateCommit(Hash stateRoot, List<Write> writes) {
    this(stateRoot, writes, List.of());
  }

  /** Hashes of the tree nodes this commit stores. */
  public List<Hash> newNodes() {
    List<Hash> out = new ArrayList<>(writes.size());
    for (Write w : writes) {
      if (w.column() == Column.TRIE_NODES && w.value() != null) {
        out.add(Hash.wrap(w.key()));
      }
    }
    return out;
  }

  /** Puts every write into {@code batch} (does not commit it). */
  public void writeTo(WriteBatch batch) {
    for (Write w : writes) {
      if (w.value() == null) {
        batch.delete(w.column(), w.key());
      } else {
        batch.put(w.column(), w.key(), w.value());
      }
    }
  }

  /**
   * One store operation.
   *
   * @param value the bytes to put, or {@code null} to delete the key
   */
  public record Write(Column column, byte[] key, byte[] value) {}
}
