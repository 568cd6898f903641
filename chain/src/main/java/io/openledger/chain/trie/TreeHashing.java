package io.openledger.chain.trie;

import io.openledger.chain.crypto.Keccak256;
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
    return Hash.wrap(Keccak256.hash(value));
  }

  static Hash leafHash(Hash key, Hash valueHash) {
    return Hash.wrap(Keccak256.hash65(preimage(LEAF, key, valueHash)));
  }

  static Hash internalHash(Hash left, Hash right) {
    return Hash.wrap(Keccak256.hash65(preimage(INTERNAL, left, right)));
  }

  /** {@code domain || a || b}: 65 bytes; for an internal node also its stored encoding. */
  static byte[] preimage(byte domain, Hash a, Hash b) {
    byte[] out = new byte[1 + 2 * Hash.SIZE];
    out[0] = domain;
    System.arraycopy(a.toArray(), 0, out, 1, Hash.SIZE);
    System.arraycopy(b.toArray(), 0, out, 1 + Hash.SIZE, Hash.SIZE);
    return out;
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
