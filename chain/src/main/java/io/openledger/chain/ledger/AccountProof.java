package io.openledger.chain.ledger;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.List;

/**
 * {@code eth_getProof} in OpenLedger's commitment: a proof of an account (inclusion, or exclusion
 * for an absent account) against the block's state root, in the sparse Merkle tree's proof encoding
 * ({@code io.openledger.chain.trie}), plus proofs of module storage slots.
 *
 * @param accountProof the trie's proof, encoded as the trie package documents (verifiable with it)
 */
public record AccountProof(
    Address address,
    Hash stateRoot,
    long blockNumber,
    boolean exists,
    Amount balance,
    long nonce,
    Hash codeHash,
    Hash storageHash,
    List<byte[]> accountProof,
    List<StorageProof> storageProof) {

  /** A module storage slot with its proof against the same state root. */
  public record StorageProof(Hash key, byte[] value, List<byte[]> proof) {}
}
