package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;

/**
 * The hashing rules of the state tree (docs/state-commitment.md, "Hashing"). Every node preimage is
 * 65 bytes: a domain byte then two 32-byte words, so a leaf can never be read as an internal node
 * or the other way round.
 */
final class TreeHashing {
  /** Domain byte of a leaf: {@code leafHash = keccak(0x00 || key || keccak(value))}. */
  static final byte LEAF = 0x00;

  /** Domain byte of an internal node: {@code keccak(0x01 || left || right)}. */
  static final byte INTERNAL = 0x01;

  /** The hash of an empty subtree, at any depth. */
  static final Hash EMPTY = Hash.ZERO;

  private TreeHashing() {}

  static Hash valueHash(byte[] value) {
    return Hash.keccak256(value);
  }

  static Hash leafHash(Hash key, Hash valueHash) {
    return Hash.keccak256(new byte[] {LEAF}, key.toArray(), valueHash.toArray());
  }

  static Hash internalHash(Hash left, Hash right) {
    return Hash.keccak256(new byte[] {INTERNAL}, left.toArray(), right.toArray());
  }

  /** Whether keys {@code a} and {@code b} agree on their first {@code bits} bits. */
  static boolean samePrefix(Hash a, Hash b, int bits) {
    for (int i = 0; i < bits; i++) {
      if (a.bit(i) != b.bit(i)) {
        return false;
      }
    }
    return true;
  }
}
