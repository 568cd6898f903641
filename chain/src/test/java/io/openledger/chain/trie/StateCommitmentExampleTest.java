package io.openledger.chain.trie;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The worked example of docs/state-commitment.md is what the code computes, and what the
 * independent reference computes: a change of the hashing rules (a consensus change) fails here.
 */
class StateCommitmentExampleTest {
  static final Hash A = Hash.fromHex("0x" + "00".repeat(31) + "01");
  static final Hash B = Hash.fromHex("0x10" + "00".repeat(31));
  static final Hash C = Hash.fromHex("0x80" + "00".repeat(31));
  static final Hash D = Hash.fromHex("0x40" + "00".repeat(31));
  static final Hash E = Hash.fromHex("0x" + "00".repeat(31) + "02");

  private static String doc() throws IOException {
    for (Path p :
        List.of(Path.of("../docs/state-commitment.md"), Path.of("docs/state-commitment.md"))) {
      if (Files.exists(p)) {
        return Files.readString(p);
      }
    }
    throw new IOException(
        "docs/state-commitment.md not found from " + Path.of("").toAbsolutePath());
  }

  @Test
  void workedExampleMatchesTheDocument() throws IOException {
    String doc = doc();
    String compact = doc.replaceAll("\\s", "");
    TreeMap<Hash, byte[]> entries =
        new TreeMap<>(Map.of(A, new byte[] {1}, B, new byte[] {2}, C, new byte[] {3}));

    Hash reference = NaiveSparseMerkleTree.root(entries);
    InMemorySparseMerkleTree simple = new InMemorySparseMerkleTree();
    StoredSparseMerkleTree stored = StoredSparseMerkleTree.empty(new InMemoryKeyValueStore());
    for (SparseMerkleTree t : List.<SparseMerkleTree>of(simple, stored)) {
      entries.forEach(t::put);
      assertThat(t.rootHash()).isEqualTo(reference);
    }
    assertThat(doc).contains("root = H(0x01‖X‖LC)    = " + reference.toHex());

    Hash la =
        NaiveSparseMerkleTree.keccak(
            new byte[] {0}, A.toArray(), NaiveSparseMerkleTree.keccak(new byte[] {1}).toArray());
    Hash lb =
        NaiveSparseMerkleTree.keccak(
            new byte[] {0}, B.toArray(), NaiveSparseMerkleTree.keccak(new byte[] {2}).toArray());
    Hash z = NaiveSparseMerkleTree.keccak(new byte[] {1}, la.toArray(), lb.toArray());
    Hash y = NaiveSparseMerkleTree.keccak(new byte[] {1}, z.toArray(), Hash.ZERO.toArray());
    Hash x = NaiveSparseMerkleTree.keccak(new byte[] {1}, y.toArray(), Hash.ZERO.toArray());
    assertThat(doc).contains("LA = H(0x00‖A‖H(0x01)) = " + la.toHex());
    assertThat(doc).contains("LB = H(0x00‖B‖H(0x02)) = " + lb.toHex());
    assertThat(doc).contains("Z  = H(0x01‖LA‖LB)     = " + z.toHex());
    assertThat(doc).contains("Y  = H(0x01‖Z‖0…0)     = " + y.toHex());
    assertThat(doc).contains("X  = H(0x01‖Y‖0…0)     = " + x.toHex());

    SparseMerkleProof ofB = simple.proof(B);
    assertThat(stored.proof(B)).isEqualTo(ofB);
    assertThat(ofB.siblings()).hasSize(4);
    assertThat(compact).contains(Bytes.toHex(ofB.encode()).substring(2));
    assertThat(SparseMerkleProof.verify(reference, B, Optional.of(new byte[] {2}), ofB)).isTrue();

    SparseMerkleProof ofD = simple.proof(D);
    assertThat(ofD.leaf()).isEmpty();
    assertThat(ofD.siblings())
        .containsExactly(
            NaiveSparseMerkleTree.keccak(
                new byte[] {0},
                C.toArray(),
                NaiveSparseMerkleTree.keccak(new byte[] {3}).toArray()),
            y);
    assertThat(compact).contains(Bytes.toHex(ofD.encode()).substring(2, 12));
    assertThat(SparseMerkleProof.verify(reference, D, Optional.empty(), ofD)).isTrue();

    SparseMerkleProof ofE = simple.proof(E);
    assertThat(ofE.leaf()).hasValueSatisfying(l -> assertThat(l.key()).isEqualTo(A));
    assertThat(SparseMerkleProof.verify(reference, E, Optional.empty(), ofE)).isTrue();
    assertThat(SparseMerkleProof.verify(reference, A, Optional.empty(), ofE)).isFalse();
    assertThat(SparseMerkleProof.verify(reference, E, Optional.of(new byte[] {1}), ofE)).isFalse();
  }
}
