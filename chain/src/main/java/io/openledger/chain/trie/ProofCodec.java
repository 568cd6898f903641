package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The byte encoding of {@link SparseMerkleProof} (docs/state-commitment.md, "Proof encoding"):
 *
 * <pre>
 * format      1 byte   0x01
 * leaf flag   1 byte   0x00 no leaf, 0x01 leaf follows
 * leaf        64 bytes key || keccak(value)            (only when the flag is 0x01)
 * depth       2 bytes  big-endian, 0..256 = number of siblings
 * bitmap      ceil(depth/8) bytes; bit i (msb first) set iff sibling i is not empty
 * siblings    32 bytes each, the non-empty ones, in depth order (root side first)
 * </pre>
 *
 * The encoding is canonical: padding bits are zero, a listed sibling is never the empty hash, and
 * no bytes follow.
 */
final class ProofCodec {
  private ProofCodec() {}

  static byte[] encode(SparseMerkleProof proof) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(SparseMerkleProof.FORMAT_V1);
    if (proof.leaf().isPresent()) {
      out.write(1);
      out.writeBytes(proof.leaf().get().key().toArray());
      out.writeBytes(proof.leaf().get().valueHash().toArray());
    } else {
      out.write(0);
    }
    List<Hash> siblings = proof.siblings();
    int depth = siblings.size();
    out.write(depth >>> 8);
    out.write(depth & 0xff);
    byte[] bitmap = new byte[(depth + 7) / 8];
    for (int i = 0; i < depth; i++) {
      if (!siblings.get(i).equals(TreeHashing.EMPTY)) {
        bitmap[i >>> 3] |= (byte) (0x80 >>> (i & 7));
      }
    }
    out.writeBytes(bitmap);
    for (Hash s : siblings) {
      if (!s.equals(TreeHashing.EMPTY)) {
        out.writeBytes(s.toArray());
      }
    }
    return out.toByteArray();
  }

  static SparseMerkleProof decode(byte[] b) {
    Reader r = new Reader(b);
    int format = r.u8("format byte");
    if (format != SparseMerkleProof.FORMAT_V1) {
      throw new IllegalArgumentException("unknown proof format 0x" + Integer.toHexString(format));
    }
    int flag = r.u8("leaf flag");
    Optional<SparseMerkleProof.Leaf> leaf =
        switch (flag) {
          case 0 -> Optional.empty();
          case 1 ->
              Optional.of(
                  new SparseMerkleProof.Leaf(r.hash("leaf key"), r.hash("leaf value hash")));
          default -> throw new IllegalArgumentException("leaf flag must be 0 or 1, got " + flag);
        };
    int depth = r.u8("depth") << 8 | r.u8("depth");
    if (depth > 256) {
      throw new IllegalArgumentException("proof depth " + depth + " exceeds 256");
    }
    byte[] bitmap = r.bytes((depth + 7) / 8, "sibling bitmap");
    if (depth % 8 != 0 && (bitmap[bitmap.length - 1] & (0xff >>> (depth % 8))) != 0) {
      throw new IllegalArgumentException("sibling bitmap has bits set past the depth");
    }
    List<Hash> siblings = new ArrayList<>(depth);
    for (int i = 0; i < depth; i++) {
      if ((bitmap[i >>> 3] & (0x80 >>> (i & 7))) != 0) {
        Hash s = r.hash("sibling " + i);
        if (s.equals(TreeHashing.EMPTY)) {
          throw new IllegalArgumentException("sibling " + i + " is marked non-empty but is zero");
        }
        siblings.add(s);
      } else {
        siblings.add(TreeHashing.EMPTY);
      }
    }
    if (r.remaining() != 0) {
      throw new IllegalArgumentException(r.remaining() + " unexpected bytes after the proof");
    }
    return new SparseMerkleProof(leaf, siblings);
  }

  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    int remaining() {
      return b.length - pos;
    }

    int u8(String what) {
      return bytes(1, what)[0] & 0xff;
    }

    Hash hash(String what) {
      return Hash.wrap(bytes(Hash.SIZE, what));
    }

    byte[] bytes(int n, String what) {
      if (remaining() < n) {
        throw new IllegalArgumentException(
            "proof truncated: " + what + " needs " + n + " bytes at offset " + pos);
      }
      byte[] out = Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }
  }
}
