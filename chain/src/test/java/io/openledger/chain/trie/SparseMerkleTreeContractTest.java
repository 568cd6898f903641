package io.openledger.chain.trie;

import static io.openledger.chain.trie.TreeGenerators.nextKey;
import static io.openledger.chain.trie.TreeGenerators.randomKey;
import static io.openledger.chain.trie.TreeGenerators.randomValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The contract of every {@link SparseMerkleTree}: roots equal an independent naive reference,
 * whatever the order of operations; proofs of inclusion and exclusion verify, and tampering makes
 * them fail.
 */
abstract class SparseMerkleTreeContractTest {
  /** A new empty tree. */
  protected abstract SparseMerkleTree newTree();

  /** Called between operations: stored trees commit here at random moments. */
  protected void maybeCommit(SparseMerkleTree tree, SplittableRandom random) {}

  private static TreeMap<Hash, byte[]> randomEntries(SplittableRandom r, int n) {
    TreeMap<Hash, byte[]> entries = new TreeMap<>();
    List<Hash> keys = new ArrayList<>();
    while (entries.size() < n) {
      Hash k = nextKey(r, keys);
      keys.add(k);
      entries.put(k, randomValue(r));
    }
    return entries;
  }

  private SparseMerkleTree treeOf(Map<Hash, byte[]> entries, List<Hash> order, SplittableRandom r) {
    SparseMerkleTree tree = newTree();
    for (Hash k : order) {
      tree.put(k, entries.get(k));
      maybeCommit(tree, r);
    }
    return tree;
  }

  @Test
  void emptyTreeHasZeroRootAndProvesAbsence() {
    SparseMerkleTree tree = newTree();
    Hash key = Hash.keccak256(new byte[] {1});
    assertThat(tree.rootHash()).isEqualTo(Hash.ZERO);
    assertThat(tree.get(key)).isEmpty();
    SparseMerkleProof proof = tree.proof(key);
    assertThat(SparseMerkleProof.verify(Hash.ZERO, key, Optional.empty(), proof)).isTrue();
    assertThat(SparseMerkleProof.verify(Hash.ZERO, key, Optional.of(new byte[0]), proof)).isFalse();
  }

  @Test
  void singleLeafIsTheRoot() {
    SparseMerkleTree tree = newTree();
    Hash key = Hash.keccak256(new byte[] {7});
    byte[] value = {1, 2, 3};
    tree.put(key, value);
    Hash expected =
        NaiveSparseMerkleTree.keccak(
            new byte[] {0}, key.toArray(), NaiveSparseMerkleTree.keccak(value).toArray());
    assertThat(tree.rootHash()).isEqualTo(expected);
    assertThat(tree.proof(key).siblings()).isEmpty();
  }

  @Test
  void rootsMatchTheNaiveReference() {
    SplittableRandom r = new SplittableRandom(1);
    for (int c = 0; c < 150; c++) {
      int n = c < 10 ? c : r.nextInt(120);
      TreeMap<Hash, byte[]> entries = randomEntries(r, n);
      SparseMerkleTree tree = treeOf(entries, new ArrayList<>(entries.keySet()), r);
      assertThat(tree.rootHash())
          .as("case %d, %d entries", c, n)
          .isEqualTo(NaiveSparseMerkleTree.root(entries));
    }
  }

  @Test
  void rootDoesNotDependOnInsertionOrder() {
    SplittableRandom r = new SplittableRandom(2);
    for (int c = 0; c < 100; c++) {
      TreeMap<Hash, byte[]> entries = randomEntries(r, 2 + r.nextInt(100));
      List<Hash> order = new ArrayList<>(entries.keySet());
      Collections.shuffle(order, new Random(c));
      Hash first = treeOf(entries, order, r).rootHash();
      Collections.shuffle(order, new Random(c + 1_000));
      Hash second = treeOf(entries, order, r).rootHash();
      assertThat(second).as("case %d", c).isEqualTo(first);
    }
  }

  @Test
  void deletesRestoreTheEarlierRoot() {
    SplittableRandom r = new SplittableRandom(3);
    for (int c = 0; c < 150; c++) {
      TreeMap<Hash, byte[]> base = randomEntries(r, r.nextInt(60));
      SparseMerkleTree tree = treeOf(base, new ArrayList<>(base.keySet()), r);
      Hash before = tree.rootHash();
      List<Hash> known = new ArrayList<>(base.keySet());
      List<Hash> added = new ArrayList<>();
      for (int i = 0, n = 1 + r.nextInt(30); i < n; i++) {
        Hash k = nextKey(r, known);
        if (!base.containsKey(k)) {
          known.add(k);
          added.add(k);
          tree.put(k, randomValue(r));
          maybeCommit(tree, r);
        }
      }
      Collections.shuffle(added, new Random(c));
      for (Hash k : added) {
        tree.remove(k);
        maybeCommit(tree, r);
      }
      assertThat(tree.rootHash()).as("case %d", c).isEqualTo(before);
    }
  }

  /** Random puts, overwrites and removes, checked against a sorted map and the reference. */
  @Test
  void randomOperationSequencesMatchTheModel() {
    SplittableRandom r = new SplittableRandom(4);
    for (int c = 0; c < 16; c++) {
      SparseMerkleTree tree = newTree();
      TreeMap<Hash, byte[]> model = new TreeMap<>();
      List<Hash> keys = new ArrayList<>();
      for (int step = 0; step < 250; step++) {
        int op = r.nextInt(10);
        Hash k;
        if (op < 5 || keys.isEmpty()) {
          k = nextKey(r, keys);
          keys.add(k);
        } else {
          k = keys.get(r.nextInt(keys.size()));
        }
        if (op < 7) {
          byte[] v = randomValue(r);
          tree.put(k, v);
          model.put(k, v);
        } else if (op < 9) {
          tree.remove(k);
          model.remove(k);
        } else {
          Map<Hash, Optional<byte[]>> batch = new TreeMap<>();
          for (int i = 0; i < 8; i++) {
            Hash bk = r.nextBoolean() ? nextKey(r, keys) : keys.get(r.nextInt(keys.size()));
            keys.add(bk);
            Optional<byte[]> bv =
                r.nextInt(3) == 0 ? Optional.empty() : Optional.of(randomValue(r));
            batch.put(bk, bv);
            bv.ifPresentOrElse(v -> model.put(bk, v), () -> model.remove(bk));
          }
          tree.putAll(batch);
        }
        maybeCommit(tree, r);
        assertThat(tree.get(k).orElse(null))
            .as("case %d step %d get", c, step)
            .isEqualTo(model.get(k));
        if (step % 25 == 24) {
          assertThat(tree.rootHash())
              .as("case %d step %d root", c, step)
              .isEqualTo(NaiveSparseMerkleTree.root(model));
        }
      }
    }
  }

  @Test
  void emptyValueIsPresentAndDistinctFromAbsence() {
    SparseMerkleTree tree = newTree();
    Hash key = Hash.keccak256(new byte[] {9});
    tree.put(key, new byte[0]);
    assertThat(tree.get(key)).hasValueSatisfying(v -> assertThat(v).isEmpty());
    assertThat(tree.rootHash()).isNotEqualTo(Hash.ZERO);
    assertThat(
            SparseMerkleProof.verify(
                tree.rootHash(), key, Optional.of(new byte[0]), tree.proof(key)))
        .isTrue();
    assertThat(SparseMerkleProof.verify(tree.rootHash(), key, Optional.empty(), tree.proof(key)))
        .isFalse();
  }

  @Test
  void everyPresentKeyHasAnInclusionProofAndEveryAbsentKeyAnExclusionProof() {
    SplittableRandom r = new SplittableRandom(5);
    for (int c = 0; c < 40; c++) {
      TreeMap<Hash, byte[]> entries = randomEntries(r, r.nextInt(60));
      SparseMerkleTree tree = treeOf(entries, new ArrayList<>(entries.keySet()), r);
      Hash root = tree.rootHash();
      for (Map.Entry<Hash, byte[]> e : entries.entrySet()) {
        SparseMerkleProof proof = SparseMerkleProof.decode(tree.proof(e.getKey()).encode());
        assertThat(proof.leaf()).as("case %d", c).isPresent();
        assertThat(SparseMerkleProof.verify(root, e.getKey(), Optional.of(e.getValue()), proof))
            .as("case %d inclusion of %s", c, e.getKey())
            .isTrue();
      }
      List<Hash> known = new ArrayList<>(entries.keySet());
      for (int i = 0; i < 20; i++) {
        Hash absent = nextKey(r, known);
        if (entries.containsKey(absent)) {
          continue;
        }
        SparseMerkleProof proof = SparseMerkleProof.decode(tree.proof(absent).encode());
        assertThat(SparseMerkleProof.verify(root, absent, Optional.empty(), proof))
            .as("case %d exclusion of %s", c, absent)
            .isTrue();
        assertThat(SparseMerkleProof.verify(root, absent, Optional.of(randomValue(r)), proof))
            .as("case %d absent key claimed present", c)
            .isFalse();
      }
    }
  }

  @Test
  void tamperedProofsAndValuesFail() {
    SplittableRandom r = new SplittableRandom(6);
    for (int c = 0; c < 60; c++) {
      TreeMap<Hash, byte[]> entries = randomEntries(r, 2 + r.nextInt(80));
      SparseMerkleTree tree = treeOf(entries, new ArrayList<>(entries.keySet()), r);
      Hash root = tree.rootHash();
      List<Hash> keys = new ArrayList<>(entries.keySet());
      Hash key = keys.get(r.nextInt(keys.size()));
      byte[] value = entries.get(key);
      SparseMerkleProof proof = tree.proof(key);

      byte[] otherValue = value.clone();
      if (otherValue.length == 0) {
        otherValue = new byte[] {0};
      } else {
        otherValue[r.nextInt(otherValue.length)] ^= (byte) (1 << r.nextInt(8));
      }
      assertThat(SparseMerkleProof.verify(root, key, Optional.of(otherValue), proof))
          .as("case %d wrong value", c)
          .isFalse();
      assertThat(SparseMerkleProof.verify(root, key, Optional.empty(), proof))
          .as("case %d present key claimed absent", c)
          .isFalse();

      int depth = proof.siblings().size();
      if (depth > 0) {
        List<Hash> flipped = new ArrayList<>(proof.siblings());
        int i = r.nextInt(depth);
        byte[] s = flipped.get(i).toArray();
        s[r.nextInt(32)] ^= (byte) (1 << r.nextInt(8));
        flipped.set(i, Hash.wrap(s));
        assertThat(
                SparseMerkleProof.verify(
                    root, key, Optional.of(value), new SparseMerkleProof(proof.leaf(), flipped)))
            .as("case %d flipped sibling %d", c, i)
            .isFalse();
        List<Hash> shorter = proof.siblings().subList(1, depth);
        assertThat(
                SparseMerkleProof.verify(
                    root, key, Optional.of(value), new SparseMerkleProof(proof.leaf(), shorter)))
            .as("case %d dropped sibling", c)
            .isFalse();
      }
      if (depth < 256) {
        List<Hash> longer = new ArrayList<>(proof.siblings());
        longer.add(Hash.ZERO);
        assertThat(
                SparseMerkleProof.verify(
                    root, key, Optional.of(value), new SparseMerkleProof(proof.leaf(), longer)))
            .as("case %d extra sibling", c)
            .isFalse();
      }

      // the proof of another key does not prove this one, nor prove it absent
      Hash other = keys.get((keys.indexOf(key) + 1) % keys.size());
      assertThat(SparseMerkleProof.verify(root, other, Optional.of(value), proof))
          .as("case %d proof reused for another key", c)
          .isFalse();
      assertThat(SparseMerkleProof.verify(root, other, Optional.empty(), proof))
          .as("case %d inclusion proof passed off as exclusion of another key", c)
          .isFalse();

      // a stale proof fails against the new root
      tree.put(key, otherValue);
      maybeCommit(tree, r);
      assertThat(SparseMerkleProof.verify(tree.rootHash(), key, Optional.of(value), proof))
          .as("case %d proof against a later root", c)
          .isFalse();
    }
  }

  @Test
  void putAllEqualsOneByOne() {
    SplittableRandom r = new SplittableRandom(7);
    for (int c = 0; c < 50; c++) {
      TreeMap<Hash, byte[]> base = randomEntries(r, r.nextInt(50));
      SparseMerkleTree one = treeOf(base, new ArrayList<>(base.keySet()), r);
      SparseMerkleTree all = newTree();
      Map<Hash, Optional<byte[]>> initial = new TreeMap<>();
      base.forEach((k, v) -> initial.put(k, Optional.of(v)));
      all.putAll(initial);
      Map<Hash, Optional<byte[]>> changes = new TreeMap<>();
      List<Hash> keys = new ArrayList<>(base.keySet());
      for (int i = 0; i < 30; i++) {
        Hash k =
            r.nextBoolean() && !keys.isEmpty()
                ? keys.get(r.nextInt(keys.size()))
                : nextKey(r, keys);
        changes.put(k, r.nextInt(3) == 0 ? Optional.empty() : Optional.of(randomValue(r)));
      }
      changes.forEach((k, v) -> v.ifPresentOrElse(x -> one.put(k, x), () -> one.remove(k)));
      all.putAll(changes);
      maybeCommit(all, r);
      assertThat(all.rootHash()).as("case %d", c).isEqualTo(one.rootHash());
    }
  }

  @Test
  void keysDifferingOnlyInTheLastBitSitAtDepth255() {
    SplittableRandom r = new SplittableRandom(8);
    SparseMerkleTree tree = newTree();
    Hash a = randomKey(r);
    Hash b = TreeGenerators.keySharingPrefix(r, a, 255);
    tree.put(a, new byte[] {1});
    tree.put(b, new byte[] {2});
    TreeMap<Hash, byte[]> model = new TreeMap<>(Map.of(a, new byte[] {1}, b, new byte[] {2}));
    assertThat(tree.rootHash()).isEqualTo(NaiveSparseMerkleTree.root(model));
    SparseMerkleProof proof = tree.proof(a);
    assertThat(proof.siblings()).hasSize(256);
    assertThat(SparseMerkleProof.verify(tree.rootHash(), a, Optional.of(new byte[] {1}), proof))
        .isTrue();
    assertThat(SparseMerkleProof.decode(proof.encode())).isEqualTo(proof);
    tree.remove(b);
    assertThat(tree.proof(a).siblings()).isEmpty();
  }
}
