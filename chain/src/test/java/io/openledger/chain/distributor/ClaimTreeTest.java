package io.openledger.chain.distributor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.chain.distributor.ClaimTree.Entry;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The claim tree against OpenZeppelin's own: roots and proofs of {@code StandardMerkleTree} from
 * npm {@code @openzeppelin/merkle-tree} (fixture written by {@code chain/src/test/merkle}), and
 * {@code MerkleProof.verify}'s rule over seeded random lists.
 */
class ClaimTreeTest {

  @Test
  void rootsAndProofsEqualOpenZeppelinStandardMerkleTree() throws IOException {
    JsonNode fixture;
    try (InputStream in = getClass().getResourceAsStream("/merkle/oz-standard-tree.json")) {
      fixture = new ObjectMapper().readTree(in);
    }
    int cases = 0;
    for (JsonNode c : fixture.get("cases")) {
      List<Entry> entries = new ArrayList<>();
      for (JsonNode v : c.get("values")) {
        entries.add(
            new Entry(
                Address.fromHex(v.get(0).asText()), Amount.of(new BigInteger(v.get(1).asText()))));
      }
      ClaimTree tree = ClaimTree.of(entries);
      assertThat(tree.root()).isEqualTo(Hash.fromHex(c.get("root").asText()));
      for (int i = 0; i < entries.size(); i++) {
        List<Hash> want = new ArrayList<>();
        for (JsonNode h : c.get("proofs").get(i)) {
          want.add(Hash.fromHex(h.asText()));
        }
        assertThat(tree.proof(i)).as("proof %d of %d", i, entries.size()).isEqualTo(want);
      }
      cases++;
    }
    assertThat(cases).isEqualTo(8);
  }

  @Test
  void everyProofVerifiesAndNoForgeryDoes() {
    Random random = new Random(20261202);
    for (int round = 0; round < 300; round++) {
      int n = 1 + random.nextInt(40);
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] a = new byte[20];
        random.nextBytes(a);
        entries.add(new Entry(Address.wrap(a), Amount.of(new BigInteger(100, random))));
      }
      ClaimTree tree = ClaimTree.of(entries);
      for (int i = 0; i < n; i++) {
        Entry e = entries.get(i);
        List<Hash> proof = tree.proof(i);
        assertThat(ClaimTree.verify(proof, tree.root(), ClaimTree.leaf(e.account(), e.amount())))
            .isTrue();
        // one base unit more, another account's proof, or a proof with a flipped bit: refused
        assertThat(
                ClaimTree.verify(
                    proof, tree.root(), ClaimTree.leaf(e.account(), e.amount().add(Amount.of(1)))))
            .isFalse();
        if (n > 1) {
          Entry other = entries.get((i + 1) % n);
          assertThat(
                  ClaimTree.verify(
                      proof, tree.root(), ClaimTree.leaf(other.account(), other.amount())))
              .as("another leaf with this proof")
              .isEqualTo(other.equals(e));
          byte[] bad = proof.getFirst().toArray();
          bad[random.nextInt(32)] ^= 1;
          List<Hash> forged = new ArrayList<>(proof);
          forged.set(0, Hash.wrap(bad));
          assertThat(ClaimTree.verify(forged, tree.root(), ClaimTree.leaf(e.account(), e.amount())))
              .isFalse();
        }
      }
    }
  }

  @Test
  void anEmptyListHasNoTree() {
    assertThatThrownBy(() -> ClaimTree.of(List.of()))
        .hasMessage("a claim tree needs at least one entry");
  }
}
