package io.openledger.chain.trie;

import io.openledger.chain.store.Column;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link JellyfishMerkleTree#apply}: the new root, and the nodes that must be stored
 * for it to be readable. Nothing is written until the caller puts them in a batch ({@link
 * #writeTo}) and commits it, typically together with the block, so one atomic write commits both.
 *
 * @param root the new state root ({@link Hash#ZERO} for an empty tree)
 * @param version the version (block number) the update was made for
 * @param newNodes node hash to encoded node (docs/state-commitment.md), in creation order
 * @param staleNodes hashes of nodes of the old root that the new root no longer references; a
 *     pruner may delete them once no retained root references them (nodes are shared by content)
 */
public record TreeUpdate(
    Hash root, long version, Map<Hash, byte[]> newNodes, List<Hash> staleNodes) {
  public TreeUpdate {
    newNodes = java.util.Collections.unmodifiableMap(newNodes);
    staleNodes = List.copyOf(staleNodes);
  }

  /** Puts every new node into {@code batch} under {@link Column#TRIE_NODES}. */
  public void writeTo(WriteBatch batch) {
    newNodes.forEach((hash, node) -> batch.put(JellyfishMerkleTree.NODES, hash, node));
  }
}
