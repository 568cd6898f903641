package io.openledger.chain.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OrderedMerkleRootTest {
  private static Hash h(int i) {
    return Hash.keccak256(("item " + i).getBytes());
  }

  private static Hash leaf(Hash x) {
    return Hash.keccak256(new byte[] {0}, x.toArray());
  }

  private static Hash node(Hash l, Hash r) {
    return Hash.keccak256(new byte[] {1}, l.toArray(), r.toArray());
  }

  @Test
  void smallTreesHaveTheDocumentedShape() {
    assertThat(OrderedMerkleRoot.of(List.of()))
        .isEqualTo(
            Hash.fromHex("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"));
    assertThat(OrderedMerkleRoot.of(List.of(h(0)))).isEqualTo(leaf(h(0)));
    assertThat(OrderedMerkleRoot.of(List.of(h(0), h(1)))).isEqualTo(node(leaf(h(0)), leaf(h(1))));
    // n = 3: k = 2 -> (0,1) | (2)
    assertThat(OrderedMerkleRoot.of(List.of(h(0), h(1), h(2))))
        .isEqualTo(node(node(leaf(h(0)), leaf(h(1))), leaf(h(2))));
    // n = 5: k = 4 -> (0..3) | (4)
    Hash four = node(node(leaf(h(0)), leaf(h(1))), node(leaf(h(2)), leaf(h(3))));
    assertThat(OrderedMerkleRoot.of(List.of(h(0), h(1), h(2), h(3), h(4))))
        .isEqualTo(node(four, leaf(h(4))));
  }

  @Test
  void orderMatters() {
    assertThat(OrderedMerkleRoot.of(List.of(h(0), h(1))))
        .isNotEqualTo(OrderedMerkleRoot.of(List.of(h(1), h(0))));
  }

  @Test
  void everyProofVerifiesAndTamperedOnesDoNot() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int n = 1; n <= 70; n++) {
      List<Hash> items = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        items.add(h(i + 1000 * n));
      }
      Hash root = OrderedMerkleRoot.of(items);
      for (int i = 0; i < n; i++) {
        List<Hash> proof = OrderedMerkleRoot.proof(items, i);
        assertThat(OrderedMerkleRoot.verify(root, items.get(i), i, n, proof))
            .as("n=%d i=%d", n, i)
            .isTrue();
        assertThat(OrderedMerkleRoot.verify(root, h(-1), i, n, proof)).isFalse();
        if (n > 1) {
          assertThat(OrderedMerkleRoot.verify(root, items.get(i), (i + 1) % n, n, proof))
              .as("n=%d i=%d wrong index", n, i)
              .isFalse();
          List<Hash> bad = new ArrayList<>(proof);
          int at = rnd.nextInt(bad.size());
          bad.set(at, h(-2));
          assertThat(OrderedMerkleRoot.verify(root, items.get(i), i, n, bad)).isFalse();
          assertThat(
                  OrderedMerkleRoot.verify(
                      root, items.get(i), i, n, proof.subList(1, proof.size())))
              .isFalse();
        }
      }
    }
  }
}
