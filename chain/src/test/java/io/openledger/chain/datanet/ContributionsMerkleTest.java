package io.openledger.chain.datanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The incremental tree against a naive recursive definition of the depth-32 tree. */
class ContributionsMerkleTest {

  /** The definition: node(h, i) over leaves i*2^h .. (i+1)*2^h - 1, empty leaves zero. */
  private static final class NaiveTree {
    private final List<Hash> leaves;
    private final Hash[] empty = new Hash[33];

    NaiveTree(List<ContributionsMerkle.Leaf> leaves) {
      this.leaves = new ArrayList<>();
      for (ContributionsMerkle.Leaf l : leaves) {
        this.leaves.add(
            Hash.keccak256(
                ByteBuffer.allocate(40)
                    .putLong(l.contributionId())
                    .put(l.blobHash().toArray())
                    .array()));
      }
      empty[0] = Hash.wrap(new byte[32]);
      for (int k = 1; k <= 32; k++) {
        empty[k] = Hash.keccak256(empty[k - 1].toArray(), empty[k - 1].toArray());
      }
    }

    Hash node(int h, long i) {
      if ((i << h) >= leaves.size()) {
        return empty[h];
      }
      if (h == 0) {
        return leaves.get((int) i);
      }
      return Hash.keccak256(node(h - 1, 2 * i).toArray(), node(h - 1, 2 * i + 1).toArray());
    }

    Hash root() {
      return node(32, 0);
    }
  }

  private static List<ContributionsMerkle.Leaf> leaves(SplittableRandom rnd, int n) {
    List<ContributionsMerkle.Leaf> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] blob = new byte[32];
      rnd.nextBytes(blob);
      out.add(new ContributionsMerkle.Leaf(rnd.nextLong(1, Long.MAX_VALUE), Hash.wrap(blob)));
    }
    return out;
  }

  @Test
  void zeroHashesAreThoseOfTheDepositContract() {
    assertThat(ContributionsMerkle.zero(0)).isEqualTo(Hash.ZERO);
    // keccak256(0x00 * 64), zerohashes[1] of Ethereum's deposit contract
    assertThat(ContributionsMerkle.zero(1).toHex())
        .isEqualTo("0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5");
    assertThat(ContributionsMerkle.root(List.of())).isEqualTo(ContributionsMerkle.zero(32));
  }

  @Test
  void leafIsKeccakOfTheBigEndianIdAndTheBlobHash() {
    Hash blob = Hash.keccak256(new byte[] {1, 2, 3});
    byte[] in = new byte[40];
    in[7] = 7;
    System.arraycopy(blob.toArray(), 0, in, 8, 32);
    assertThat(ContributionsMerkle.leaf(7, blob)).isEqualTo(Hash.keccak256(in));
  }

  @Test
  void rootsAndProofsMatchTheNaiveTreeForRandomSizes() {
    SplittableRandom rnd = new SplittableRandom(20_260_115);
    List<Integer> sizes = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 300));
    IntStream.range(0, 150).forEach(i -> sizes.add(rnd.nextInt(0, 301)));
    int proofs = 0;
    for (int n : sizes) {
      List<ContributionsMerkle.Leaf> ls = leaves(rnd, n);
      NaiveTree naive = new NaiveTree(ls);
      Hash root = ContributionsMerkle.root(ls);
      assertThat(root).as("root of %d leaves", n).isEqualTo(naive.root());
      if (n == 0) {
        continue;
      }
      List<Integer> indices = new ArrayList<>(List.of(0, n - 1));
      IntStream.range(0, 4).forEach(i -> indices.add(rnd.nextInt(n)));
      for (int index : indices) {
        List<Hash> proof = ContributionsMerkle.proof(ls, index);
        Hash leaf = ls.get(index).hash();
        assertThat(proof).hasSize(32);
        for (int h = 0; h < 32; h++) {
          assertThat(proof.get(h))
              .as("sibling %d of leaf %d of %d", h, index, n)
              .isEqualTo(naive.node(h, (index >>> h) ^ 1));
        }
        assertThat(ContributionsMerkle.verify(root, leaf, index, proof)).isTrue();
        assertTamperedProofsFail(rnd, root, leaf, index, proof, n);
        proofs++;
      }
    }
    assertThat(proofs).isGreaterThan(800);
  }

  private static void assertTamperedProofsFail(
      SplittableRandom rnd, Hash root, Hash leaf, int index, List<Hash> proof, int n) {
    List<Hash> bad = new ArrayList<>(proof);
    int level = rnd.nextInt(32);
    byte[] b = bad.get(level).toArray();
    b[rnd.nextInt(32)] ^= (byte) (1 << rnd.nextInt(8));
    bad.set(level, Hash.wrap(b));
    String where = "leaf " + index + " of " + n;
    assertThat(ContributionsMerkle.verify(root, leaf, index, bad)).as(where).isFalse();
    byte[] l = leaf.toArray();
    l[0] ^= 1;
    assertThat(ContributionsMerkle.verify(root, Hash.wrap(l), index, proof)).as(where).isFalse();
    long otherIndex = index ^ (1L << rnd.nextInt(32));
    assertThat(ContributionsMerkle.verify(root, leaf, otherIndex, proof)).as(where).isFalse();
    assertThat(ContributionsMerkle.verify(root, leaf, index, proof.subList(0, 31)))
        .as(where)
        .isFalse();
    assertThat(ContributionsMerkle.verify(root, leaf, -1, proof)).as(where).isFalse();
  }

  @Test
  void theFrontierGivesTheSameRootAfterEveryAppend() {
    SplittableRandom rnd = new SplittableRandom(7);
    List<ContributionsMerkle.Leaf> ls = leaves(rnd, 130);
    Hash[] frontier = new Hash[32];
    for (int size = 0; size < ls.size(); size++) {
      ContributionsMerkle.Branch b =
          ContributionsMerkle.append(size, ls.get(size).hash(), level -> frontier[level]);
      assertThat(b.level()).isEqualTo(Long.numberOfTrailingZeros(~(long) size));
      frontier[b.level()] = b.node();
      long count = size + 1;
      Hash incremental = ContributionsMerkle.root(count, level -> frontier[level]);
      assertThat(incremental).isEqualTo(new NaiveTree(ls.subList(0, size + 1)).root());
    }
  }

  @Test
  void proofOfALeafOutsideTheTreeIsRefused() {
    List<ContributionsMerkle.Leaf> ls = leaves(new SplittableRandom(1), 3);
    assertThatThrownBy(() -> ContributionsMerkle.proof(ls, 3))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("leaf 3 of a tree of 3 leaves");
    assertThatThrownBy(
            () ->
                ContributionsMerkle.append(
                    ContributionsMerkle.MAX_LEAVES, Hash.ZERO, level -> Hash.ZERO))
        .hasMessageContaining("the contributions tree is full");
  }
}
