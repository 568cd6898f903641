package io.openledger.chain.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.trie.InMemorySparseMerkleTree;
import io.openledger.chain.trie.SparseMerkleProof;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldStateTest {
  private static final Address A = addr(1);
  private static final Address B = addr(2);
  private static final Address MODULE =
      Address.fromHex("0x0000000000000000000000000000000000001001");

  static Address addr(int i) {
    byte[] b = new byte[20];
    b[0] = (byte) 0xaa;
    b[16] = (byte) (i >>> 24);
    b[17] = (byte) (i >>> 16);
    b[18] = (byte) (i >>> 8);
    b[19] = (byte) i;
    return Address.wrap(b);
  }

  private static Hash commit(KeyValueStore store, WorldState s) {
    StateCommit c = s.commit();
    try (WriteBatch batch = store.newBatch()) {
      c.writeTo(batch);
      batch.commit();
    }
    return c.stateRoot();
  }

  @Test
  void accountEncodingIsDocumented41Bytes() {
    Account a = new Account(Amount.of(0x0102), 7);
    byte[] e = a.encode();
    assertThat(e).hasSize(41);
    assertThat(e[0]).isEqualTo((byte) 1);
    assertThat(e[8]).isEqualTo((byte) 7);
    assertThat(e[39]).isEqualTo((byte) 1);
    assertThat(e[40]).isEqualTo((byte) 2);
    assertThat(Account.decode(e)).isEqualTo(a);
    assertThatThrownBy(() -> Account.decode(new byte[40]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsFallThroughAndCommitsPersistAcrossBlocks() {
    KeyValueStore store = new InMemoryKeyValueStore();
    StateDatabase db = new StateDatabase(store);
    WorldState s0 = db.open(Hash.ZERO, -1);
    s0.credit(A, Amount.of(100));
    s0.putStorage(MODULE, new byte[] {1}, new byte[] {9, 9});
    Hash r1 = commit(store, s0);

    WorldState s1 = db.open(r1, 0);
    assertThat(s1.balance(A)).isEqualTo(Amount.of(100));
    assertThat(s1.storage(MODULE, new byte[] {1}))
        .hasValueSatisfying(v -> assertThat(v).containsExactly(9, 9));
    s1.transfer(A, B, Amount.of(40));
    s1.incrementNonce(A);
    s1.deleteStorage(MODULE, new byte[] {1});
    Hash r2 = commit(store, s1);

    StateReader at1 = db.at(r1);
    StateReader at2 = db.at(r2);
    assertThat(at1.balance(A)).isEqualTo(Amount.of(100)); // old roots stay readable
    assertThat(at2.account(A)).isEqualTo(new Account(Amount.of(60), 1));
    assertThat(at2.balance(B)).isEqualTo(Amount.of(40));
    assertThat(at2.storage(MODULE, new byte[] {1})).isEmpty();
    assertThat(at2.supply().balances()).isEqualTo(Amount.of(100));
  }

  @Test
  void revertToCheckpointUndoesEverythingAfterIt() {
    StateDatabase db = new StateDatabase(new InMemoryKeyValueStore());
    WorldState s = db.open(Hash.ZERO, -1);
    s.credit(A, Amount.of(50));
    s.putStorage(MODULE, new byte[] {1}, new byte[] {1});
    Hash expected = copyOf(s).commit().stateRoot();

    int cp = s.checkpoint();
    s.transfer(A, B, Amount.of(20));
    s.setNonce(A, 9);
    s.putStorage(MODULE, new byte[] {1}, new byte[] {2});
    s.putStorage(MODULE, new byte[] {2}, new byte[] {3});
    s.lock(Amount.of(5));
    s.burn(A, Amount.of(1));
    s.revertTo(cp);
    assertThat(s.balance(A)).isEqualTo(Amount.of(50));
    assertThat(s.balance(B)).isEqualTo(Amount.ZERO);
    assertThat(s.supply()).isEqualTo(new Supply(Amount.of(50), Amount.ZERO, Amount.ZERO));
    assertThat(s.commit().stateRoot()).isEqualTo(expected);
  }

  @Test
  void failedDebitChangesNothing() {
    WorldState s = new StateDatabase(new InMemoryKeyValueStore()).open(Hash.ZERO, -1);
    s.credit(A, Amount.of(5));
    assertThatThrownBy(() -> s.transfer(A, B, Amount.of(6)))
        .isInstanceOf(InsufficientBalanceException.class)
        .hasMessage("insufficient balance: address " + A + " have 5 want 6");
    assertThat(s.balance(A)).isEqualTo(Amount.of(5));
    assertThat(s.supply().balances()).isEqualTo(Amount.of(5));
  }

  @Test
  void emptyAccountsAreNotStoredAndNoOpWritesChangeNothing() {
    KeyValueStore store = new InMemoryKeyValueStore();
    StateDatabase db = new StateDatabase(store);
    WorldState s = db.open(Hash.ZERO, -1);
    s.credit(A, Amount.of(5));
    Hash r1 = commit(store, s);
    WorldState t = db.open(r1, 0);
    t.credit(B, Amount.of(3));
    t.debit(B, Amount.of(3)); // B back to empty: nothing stored
    t.putStorage(MODULE, new byte[] {4}, new byte[] {4});
    t.deleteStorage(MODULE, new byte[] {4});
    assertThat(t.pendingUpdates()).isEmpty();
    assertThat(commit(store, t)).isEqualTo(r1);
    assertThat(
            SparseMerkleProof.verify(
                r1, StateKeys.account(B), java.util.Optional.empty(), db.accountProof(r1, B)))
        .isTrue(); // B proves absent
  }

  @Test
  void rootDependsOnContentNotOnWriteOrderAndMatchesAFreshTree() {
    SplittableRandom rnd = new SplittableRandom(2026);
    for (int round = 0; round < 20; round++) {
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        ids.add(i);
      }
      List<Hash> roots = new ArrayList<>();
      for (int perm = 0; perm < 3; perm++) {
        Collections.shuffle(ids, new Random(rnd.nextLong()));
        WorldState s = new StateDatabase(new InMemoryKeyValueStore()).open(Hash.ZERO, -1);
        for (int i : ids) {
          s.credit(addr(i), Amount.of(1000L * round + i + 1));
          s.putStorage(MODULE, new byte[] {(byte) i}, new byte[] {(byte) round, (byte) i});
        }
        roots.add(s.commit().stateRoot());
      }
      // the same entries put one by one into the reference in-memory tree
      InMemorySparseMerkleTree ref = new InMemorySparseMerkleTree();
      for (int i = 0; i < 200; i++) {
        ref.put(
            StateKeys.account(addr(i)), new Account(Amount.of(1000L * round + i + 1), 0).encode());
        ref.put(
            StateKeys.storage(MODULE, new byte[] {(byte) i}), new byte[] {(byte) round, (byte) i});
      }
      Amount sum = Amount.ZERO;
      for (int i = 0; i < 200; i++) {
        sum = sum.add(Amount.of(1000L * round + i + 1));
      }
      ref.put(StateKeys.TOTAL_BALANCES, sum.toBytes32());
      assertThat(roots).as("round %d", round).containsOnly(ref.rootHash());
    }
  }

  @Test
  void accountProofsVerifyAgainstTheStateRoot() {
    KeyValueStore store = new InMemoryKeyValueStore();
    StateDatabase db = new StateDatabase(store);
    WorldState s = db.open(Hash.ZERO, -1);
    for (int i = 0; i < 50; i++) {
      s.credit(addr(i), Amount.of(i + 1));
    }
    Hash root = commit(store, s);
    var proof = db.accountProof(root, addr(7));
    assertThat(
            SparseMerkleProof.verify(
                root,
                StateKeys.account(addr(7)),
                java.util.Optional.of(new Account(Amount.of(8), 0).encode()),
                proof))
        .isTrue();
    var absent = db.accountProof(root, addr(999));
    assertThat(
            SparseMerkleProof.verify(
                root, StateKeys.account(addr(999)), java.util.Optional.empty(), absent))
        .isTrue();
  }

  @Test
  void rocksDbAndMemoryGiveTheSameRoots(@TempDir Path dir) {
    try (KeyValueStore rocks = RocksDbKeyValueStore.open(dir.resolve("db"))) {
      KeyValueStore mem = new InMemoryKeyValueStore();
      Hash rm = Hash.ZERO;
      Hash rr = Hash.ZERO;
      SplittableRandom rnd = new SplittableRandom(5);
      for (int block = 0; block < 10; block++) {
        WorldState sm = new StateDatabase(mem).open(rm, block - 1);
        WorldState sr = new StateDatabase(rocks).open(rr, block - 1);
        for (int k = 0; k < 100; k++) {
          Address a = addr(rnd.nextInt(300));
          long v = rnd.nextLong(1, 1000);
          sm.credit(a, Amount.of(v));
          sr.credit(a, Amount.of(v));
        }
        rm = commit(mem, sm);
        rr = commit(rocks, sr);
        assertThat(rr).as("block %d", block).isEqualTo(rm);
      }
    }
  }

  private static WorldState copyOf(WorldState s) {
    // a second overlay with the same changes, to compute the expected root without touching s
    WorldState c = new StateDatabase(new InMemoryKeyValueStore()).open(Hash.ZERO, -1);
    c.credit(A, s.balance(A));
    c.putStorage(MODULE, new byte[] {1}, s.storage(MODULE, new byte[] {1}).orElseThrow());
    return c;
  }
}
