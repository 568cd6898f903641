package io.openledger.chain.trie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The documented byte encoding of proofs: round trips, exact size, canonical, robust decoding. */
class ProofCodecTest {
  private static SparseMerkleProof randomProof(SplittableRandom r) {
    int depth = r.nextInt(6) == 0 ? 256 - r.nextInt(3) : r.nextInt(40);
    List<Hash> siblings = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      siblings.add(r.nextInt(3) == 0 ? Hash.ZERO : TreeGenerators.randomKey(r));
    }
    Optional<SparseMerkleProof.Leaf> leaf =
        r.nextBoolean()
            ? Optional.of(
                new SparseMerkleProof.Leaf(
                    TreeGenerators.randomKey(r), TreeGenerators.randomKey(r)))
            : Optional.empty();
    return new SparseMerkleProof(leaf, siblings);
  }

  @Test
  void roundTripsWithTheDocumentedSize() {
    SplittableRandom r = new SplittableRandom(1);
    for (int c = 0; c < 2_000; c++) {
      SparseMerkleProof proof = randomProof(r);
      byte[] bytes = proof.encode();
      int depth = proof.siblings().size();
      long nonEmpty = proof.siblings().stream().filter(s -> !s.equals(Hash.ZERO)).count();
      assertThat(bytes.length)
          .as("case %d", c)
          .isEqualTo(
              1
                  + 1
                  + (proof.leaf().isPresent() ? 64 : 0)
                  + 2
                  + (depth + 7) / 8
                  + 32 * (int) nonEmpty);
      assertThat(SparseMerkleProof.decode(bytes)).as("case %d", c).isEqualTo(proof);
    }
  }

  @Test
  void everyTruncationAndAnyTrailingByteIsRejected() {
    SplittableRandom r = new SplittableRandom(2);
    for (int c = 0; c < 100; c++) {
      byte[] bytes = randomProof(r).encode();
      for (int len = 0; len < bytes.length; len++) {
        byte[] cut = Arrays.copyOf(bytes, len);
        assertThatThrownBy(() -> SparseMerkleProof.decode(cut))
            .as("case %d cut at %d", c, len)
            .isInstanceOf(IllegalArgumentException.class);
      }
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
      assertThatThrownBy(() -> SparseMerkleProof.decode(longer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unexpected bytes");
    }
  }

  @Test
  void malformedHeadersAreRejectedWithTheReason() {
    byte[] ok =
        new SparseMerkleProof(Optional.empty(), List.of(Hash.ZERO, Hash.ZERO, Hash.ZERO)).encode();
    assertThat(ok).containsExactly(0x01, 0x00, 0x00, 0x03, 0x00);

    assertThatThrownBy(() -> SparseMerkleProof.decode(new byte[] {0x02, 0, 0, 0}))
        .hasMessageContaining("unknown proof format");
    assertThatThrownBy(() -> SparseMerkleProof.decode(new byte[] {0x01, 0x02, 0, 0}))
        .hasMessageContaining("leaf flag");
    assertThatThrownBy(() -> SparseMerkleProof.decode(new byte[] {0x01, 0x00, 0x01, 0x01}))
        .hasMessageContaining("exceeds 256");
    // depth 3, bitmap with a bit past the depth
    assertThatThrownBy(() -> SparseMerkleProof.decode(new byte[] {0x01, 0x00, 0x00, 0x03, 0x01}))
        .hasMessageContaining("past the depth");
    // depth 1, sibling marked non-empty but all zeros
    byte[] zeroSibling = new byte[5 + 32];
    zeroSibling[0] = 0x01;
    zeroSibling[3] = 0x01;
    zeroSibling[4] = (byte) 0x80;
    assertThatThrownBy(() -> SparseMerkleProof.decode(zeroSibling))
        .hasMessageContaining("marked non-empty but is zero");
  }

  /** Random and mutated inputs: a clear IllegalArgumentException, or a canonical proof. */
  @Test
  void fuzzedInputsFailCleanlyOrDecodeCanonically() {
    SplittableRandom r = new SplittableRandom(3);
    int decoded = 0;
    for (int c = 0; c < 20_000; c++) {
      byte[] input;
      if (c % 2 == 0) {
        input = new byte[r.nextInt(120)];
        r.nextBytes(input);
        if (input.length > 0) {
          input[0] = 0x01;
        }
      } else {
        input = randomProof(r).encode();
        for (int m = 0, n = 1 + r.nextInt(3); m < n; m++) {
          input[r.nextInt(input.length)] ^= (byte) (1 << r.nextInt(8));
        }
      }
      try {
        SparseMerkleProof proof = SparseMerkleProof.decode(input);
        decoded++;
        assertThat(proof.encode()).as("case %d re-encodes identically", c).isEqualTo(input);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).as("case %d", c).isNotBlank();
      } catch (RuntimeException e) {
        fail("case %d: %s", c, e);
      }
    }
    assertThat(decoded).isPositive();
  }
}
