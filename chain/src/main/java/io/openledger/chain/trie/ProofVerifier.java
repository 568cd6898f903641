package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.Optional;

/** The light-client check of a {@link SparseMerkleProof}; needs no store. */
final class ProofVerifier {
  private ProofVerifier() {}

  static boolean verify(Hash root, Hash key, Optional<byte[]> value, SparseMerkleProof proof) {
    List<Hash> siblings = proof.siblings();
    int depth = siblings.size();
    Hash h;
    if (proof.leaf().isPresent()) {
      SparseMerkleProof.Leaf leaf = proof.leaf().get();
      if (value.isPresent()) {
        // inclusion: the leaf at the end of the path is the key's own, with this value
        if (!leaf.key().equals(key)
            || !leaf.valueHash().equals(TreeHashing.valueHash(value.get()))) {
          return false;
        }
      } else if (leaf.key().equals(key) || !TreeHashing.samePrefix(leaf.key(), key, depth)) {
        // exclusion by another leaf: it must sit on the key's path, and not be the key itself
        return false;
      }
      h = TreeHashing.leafHash(leaf.key(), leaf.valueHash());
    } else {
      if (value.isPresent()) {
        return false;
      }
      h = TreeHashing.EMPTY;
    }
    for (int i = depth - 1; i >= 0; i--) {
      Hash sibling = siblings.get(i);
      h = key.bit(i) ? TreeHashing.internalHash(sibling, h) : TreeHashing.internalHash(h, sibling);
    }
    return h.equals(root);
  }
}
