package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Proof that a key holds a value (inclusion) or holds none (exclusion) under a state root.
 *
 * <p>{@code siblings.get(i)} is the hash of the sibling subtree at depth {@code i} on the key's
 * path (depth 0 is just under the root; {@link Hash#ZERO} for an empty sibling), so the path ends
 * at depth {@code siblings.size()}. There the tree holds either {@code leaf} (the key's own leaf:
 * inclusion; another key's leaf sharing the path: exclusion) or nothing ({@code leaf} empty:
 * exclusion). Byte encoding and verification are specified in docs/state-commitment.md.
 */
public record SparseMerkleProof(Optional<Leaf> leaf, List<Hash> siblings) {
  /** Encoding format byte, first byte of {@link #encode()}. */
  public static final byte FORMAT_V1 = 0x01;

  /** The leaf at the end of the path: its full key and keccak-256 of its value. */
  public record Leaf(Hash key, Hash valueHash) {
    public Leaf {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(valueHash, "valueHash");
    }
  }

  public SparseMerkleProof {
    Objects.requireNonNull(leaf, "leaf");
    siblings = List.copyOf(siblings);
    if (siblings.size() > 256) {
      throw new IllegalArgumentException(
          "a proof has at most 256 siblings, got " + siblings.size());
    }
  }

  /**
   * Whether this proof shows that, under {@code root}, {@code key} holds {@code value} (when
   * present) or holds nothing (when empty). Needs no store: usable by light clients.
   */
  public static boolean verify(
      Hash root, Hash key, Optional<byte[]> value, SparseMerkleProof proof) {
    return ProofVerifier.verify(root, key, value, proof);
  }

  /** The documented byte encoding (docs/state-commitment.md, "Proof encoding"). */
  public byte[] encode() {
    return ProofCodec.encode(this);
  }

  /**
   * Decodes {@link #encode()}'s output.
   *
   * @throws IllegalArgumentException naming what is wrong, when the bytes are not a proof
   */
  public static SparseMerkleProof decode(byte[] bytes) {
    return ProofCodec.decode(bytes);
  }
}
