package io.openledger.chain.state;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.trie.JellyfishMerkleTree;
import io.openledger.chain.trie.SparseMerkleProof;
import io.openledger.chain.trie.StoredSparseMerkleTree;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.HashMap;
import java.util.Map;

/**
 * The state of every committed block, over the store's trie nodes: opens a {@link WorldState} for
 * building on a root, reads at a root, proves at a root. Thread-safe (the tree under it is); the
 * world states it hands out are not.
 */
public final class StateDatabase {
  private final JellyfishMerkleTree tree;

  public StateDatabase(JellyfishMerkleTree tree) {
    this.tree = tree;
  }

  /** Over {@code store}'s {@code TRIE_NODES} column, with a default node cache. */
  public StateDatabase(KeyValueReader store) {
    this(new JellyfishMerkleTree(store));
  }

  public JellyfishMerkleTree tree() {
    return tree;
  }

  /**
   * A mutable overlay for the block after the one whose state root is {@code root}.
   *
   * @param root the parent's state root ({@link Hash#ZERO} for the empty state before genesis)
   * @param version the parent's block number (tree nodes record it; -1 before genesis)
   */
  public WorldState open(Hash root, long version) {
    return WorldState.on(new StoredSparseMerkleTree(tree, root, version));
  }

  /** Read-only state at {@code root} (eth_getBalance, eth_call ...). */
  public StateReader at(Hash root) {
    return open(root, 0);
  }

  /**
   * Makes the state at {@code commit}'s root readable before its batch is durable (the pipelined
   * sequencer builds the next block on it); {@link #unstage} once the batch is committed.
   */
  public void stage(StateCommit commit) {
    Map<Hash, byte[]> nodes = new HashMap<>();
    for (StateCommit.Write w : commit.writes()) {
      if (w.column() == Column.TRIE_NODES && w.value() != null) {
        nodes.put(Hash.wrap(w.key()), w.value());
      }
    }
    tree.stage(nodes);
  }

  /** Forgets what {@link #stage} made readable: the batch is in the store, or was abandoned. */
  public void unstage(StateCommit commit) {
    tree.unstage(commit.newNodes());
  }

  /** Proof of an account (inclusion, or exclusion if it was never funded) at {@code root}. */
  public SparseMerkleProof accountProof(Hash root, Address address) {
    return tree.proof(root, StateKeys.account(address));
  }

  /** Proof of a module storage slot at {@code root}. */
  public SparseMerkleProof storageProof(Hash root, Address module, byte[] slot) {
    return tree.proof(root, StateKeys.storage(module, slot));
  }
}
