package io.openledger.chain.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The records tree against a naive recursive twin, and its proofs. */
class RecordsMerkleTest {

  @Test
  void smallTreesByHand() {
    Hash a = leaf(1);
    Hash b = leaf(2);
    Hash c = leaf(3);
    assertThat(RecordsMerkle.root(List.of(a))).isEqualTo(a);
    assertThat(RecordsMerkle.root(List.of(a, b))).isEqualTo(node(a, b));
    // odd last node promoted: c is not hashed with anything at level 0
    assertThat(RecordsMerkle.root(List.of(a, b, c))).isEqualTo(node(node(a, b), c));
    assertThatThrownBy(() -> RecordsMerkle.root(List.of()))
        .hasMessage("a records tree needs at least one record");
  }

  @Test
  void rootsAndProofsAgreeWithTheRecursiveTwin() {
    SplittableRandom rnd = new SplittableRandom(6962);
    for (int n = 1; n <= 300; n++) {
      List<Hash> leaves = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        leaves.add(leaf(rnd.nextLong()));
      }
      Hash root = RecordsMerkle.root(leaves);
      assertThat(root).as("n=%d", n).isEqualTo(naiveRoot(leaves));
      for (int i = 0; i < n; i++) {
        RecordsMerkle.Proof p = RecordsMerkle.proof(leaves, i);
        assertThat(p.siblings()).as("n=%d i=%d", n, i).isEqualTo(naivePath(leaves, i));
        assertThat(RecordsMerkle.verify(root, leaves.get(i), p)).isTrue();
      }
      int i = rnd.nextInt(n);
      RecordsMerkle.Proof p = RecordsMerkle.proof(leaves, i);
      assertThat(RecordsMerkle.verify(root, leaf(-1), p)).isFalse();
      if (n > 1) {
        int other = (i + 1 + rnd.nextInt(n - 1)) % n;
        assertThat(
                RecordsMerkle.verify(
                    root, leaves.get(i), new RecordsMerkle.Proof(other, n, p.siblings())))
            .as("n=%d proof of %d moved to %d", n, i, other)
            .isEqualTo(leaves.get(i).equals(leaves.get(other)));
        List<Hash> tampered = new ArrayList<>(p.siblings());
        int s = rnd.nextInt(tampered.size());
        tampered.set(s, leaf(rnd.nextLong()));
        assertThat(
                RecordsMerkle.verify(root, leaves.get(i), new RecordsMerkle.Proof(i, n, tampered)))
            .isFalse();
        assertThat(
                RecordsMerkle.verify(
                    root,
                    leaves.get(i),
                    new RecordsMerkle.Proof(
                        i, n, p.siblings().subList(0, p.siblings().size() - 1))))
            .isFalse();
      }
      assertThat(
              RecordsMerkle.verify(
                  root, leaves.get(i), new RecordsMerkle.Proof(i, n + 1, p.siblings())))
          .as("n=%d with a wrong leaf count", n)
          .isEqualTo(proofShapeSame(n, n + 1, i));
    }
  }

  /** True when trees of {@code n} and {@code m} leaves put leaf {@code i} on the same path. */
  private static boolean proofShapeSame(int n, int m, int i) {
    List<Boolean> a = shape(n, i);
    List<Boolean> b = shape(m, i);
    return a.equals(b);
  }

  private static List<Boolean> shape(int n, int i) {
    List<Boolean> out = new ArrayList<>();
    while (n > 1) {
      out.add((i ^ 1) < n);
      i >>>= 1;
      n = (n + 1) >>> 1;
    }
    return out;
  }

  /** Left subtree: the largest power of two strictly below n leaves; right: the rest. */
  private static Hash naiveRoot(List<Hash> xs) {
    if (xs.size() == 1) {
      return xs.getFirst();
    }
    int k = Integer.highestOneBit(xs.size() - 1);
    return node(naiveRoot(xs.subList(0, k)), naiveRoot(xs.subList(k, xs.size())));
  }

  private static List<Hash> naivePath(List<Hash> xs, int i) {
    if (xs.size() == 1) {
      return new ArrayList<>();
    }
    int k = Integer.highestOneBit(xs.size() - 1);
    List<Hash> path;
    if (i < k) {
      path = naivePath(xs.subList(0, k), i);
      path.add(naiveRoot(xs.subList(k, xs.size())));
    } else {
      path = naivePath(xs.subList(k, xs.size()), i - k);
      path.add(naiveRoot(xs.subList(0, k)));
    }
    return path;
  }

  private static Hash node(Hash l, Hash r) {
    return Hash.keccak256(l.toArray(), r.toArray());
  }

  private static Hash leaf(long n) {
    return Hash.keccak256(java.nio.ByteBuffer.allocate(8).putLong(n).array());
  }
}
