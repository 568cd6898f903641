package io.openledger.chain.state;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.util.List;

/**
 * The outcome of {@link WorldState#commit()}: the new state root, and the store writes (trie nodes)
 * that make it readable. Nothing is written until the caller puts them into the block's batch with
 * {@link #writeTo} and commits that batch, so a block and its state land in one atomic write.
 *
 * @param stateRoot root of the state tree after the block ({@link Hash#ZERO} for an empty state)
 * @param writes store operations, in the order they must be applied
 */
public record StateCommit(Hash stateRoot, List<Write> writes) {
  public StateCommit {
    writes = List.copyOf(writes);
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
