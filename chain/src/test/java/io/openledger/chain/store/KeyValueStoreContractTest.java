package io.openledger.chain.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link KeyValueStore} keeps; run against each implementation. */
abstract class KeyValueStoreContractTest {
  protected KeyValueStore store;

  /** A fresh, empty store. */
  protected abstract KeyValueStore open();

  /** Closes {@code store} and opens it again on the same data; null if not persistent. */
  protected abstract KeyValueStore reopen(KeyValueStore store);

  @BeforeEach
  void setUp() {
    store = open();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void put(Column c, String k, String v) {
    try (WriteBatch batch = store.newBatch()) {
      batch.put(c, b(k), b(v));
      batch.commit();
    }
  }

  @Test
  void columnsAreSeparateNamespaces() {
    put(Column.BLOCK_HEADERS, "k", "header");
    put(Column.RECEIPTS, "k", "receipt");

    assertThat(store.get(Column.BLOCK_HEADERS, b("k"))).hasValue(b("header"));
    assertThat(store.get(Column.RECEIPTS, b("k"))).hasValue(b("receipt"));
    assertThat(store.get(Column.BLOCK_BODIES, b("k"))).isEmpty();
    assertThat(store.containsKey(Column.RECEIPTS, b("k"))).isTrue();
  }

  @Test
  void batchIsInvisibleUntilCommittedAndThenWhollyVisible() {
    try (WriteBatch batch = store.newBatch()) {
      batch.put(Column.BLOCK_HEADERS, b("h"), b("1"));
      batch.put(Column.RECEIPTS, b("r"), b("2"));
      batch.put(Column.TX_LOCATION, b("t"), b("3"));
      assertThat(batch.size()).isEqualTo(3);
      assertThat(store.get(Column.BLOCK_HEADERS, b("h"))).isEmpty();
      batch.commit(Durability.BUFFERED);
    }
    assertThat(store.get(Column.BLOCK_HEADERS, b("h"))).hasValue(b("1"));
    assertThat(store.get(Column.RECEIPTS, b("r"))).hasValue(b("2"));
    assertThat(store.get(Column.TX_LOCATION, b("t"))).hasValue(b("3"));
  }

  @Test
  void closedUncommittedBatchIsDiscarded() {
    try (WriteBatch batch = store.newBatch()) {
      batch.put(Column.CHAIN_META, b("head"), b("7"));
    }
    assertThat(store.get(Column.CHAIN_META, b("head"))).isEmpty();
  }

  @Test
  void laterOperationOnTheSameKeyWinsWithinABatch() {
    put(Column.PENDING_TXS, "a", "old");
    try (WriteBatch batch = store.newBatch()) {
      batch.delete(Column.PENDING_TXS, b("a"));
      batch.put(Column.PENDING_TXS, b("a"), b("new"));
      batch.put(Column.PENDING_TXS, b("b"), b("x"));
      batch.delete(Column.PENDING_TXS, b("b"));
      batch.commit();
    }
    assertThat(store.get(Column.PENDING_TXS, b("a"))).hasValue(b("new"));
    assertThat(store.get(Column.PENDING_TXS, b("b"))).isEmpty();
  }

  @Test
  void committedBatchCannotBeReused() {
    WriteBatch batch = store.newBatch();
    batch.put(Column.CHAIN_META, b("k"), b("v"));
    batch.commit();
    assertThatThrownBy(() -> batch.put(Column.CHAIN_META, b("k2"), b("v")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("already committed");
    assertThatThrownBy(batch::commit).isInstanceOf(StorageException.class);
    batch.close();
    assertThat(store.get(Column.CHAIN_META, b("k2"))).isEmpty();
  }

  @Test
  void valuesAreCopiedNotShared() {
    byte[] value = b("abc");
    try (WriteBatch batch = store.newBatch()) {
      batch.put(Column.CHAIN_META, b("k"), value);
      batch.commit();
    }
    byte[] read = store.get(Column.CHAIN_META, b("k")).orElseThrow();
    read[0] = 'z';
    assertThat(store.get(Column.CHAIN_META, b("k"))).hasValue(b("abc"));
  }

  @Test
  void typedColumnsRoundTrip() {
    TypedColumn<Long, Hash> roots =
        TypedColumn.of(Column.STATE_META, Serializer.LONG, Serializer.HASH);
    TypedColumn<String, byte[]> meta =
        TypedColumn.of(Column.CHAIN_META, Serializer.UTF8, Serializer.BYTES);
    Hash root = Hash.keccak256(b("root"));
    try (WriteBatch batch = store.newBatch()) {
      batch.put(roots, 42L, root).put(meta, "genesis", b("g"));
      batch.commit();
    }
    assertThat(store.get(roots, 42L)).hasValue(root);
    assertThat(store.get(roots, 43L)).isEmpty();
    assertThat(store.get(meta, "genesis")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("g")));
    try (WriteBatch batch = store.newBatch()) {
      batch.delete(roots, 42L);
      batch.commit();
    }
    assertThat(store.get(roots, 42L)).isEmpty();
  }

  @Test
  void longKeysIterateInNumericOrder() {
    TypedColumn<Long, Long> col =
        TypedColumn.of(Column.BLOCK_HASH_BY_NUMBER, Serializer.LONG, Serializer.LONG);
    long[] numbers = {0, 255, 256, 1, 65_536, Long.MAX_VALUE, 128, 127};
    try (WriteBatch batch = store.newBatch()) {
      for (long n : numbers) {
        batch.put(col, n, n);
      }
      batch.commit();
    }
    List<Long> seen = new ArrayList<>();
    try (KeyValueCursor c = store.iterate(Column.BLOCK_HASH_BY_NUMBER, KeyRange.all())) {
      c.forEachRemaining(kv -> seen.add(Keys.readLong(kv.key())));
    }
    assertThat(seen).containsExactly(0L, 1L, 127L, 128L, 255L, 256L, 65_536L, Long.MAX_VALUE);
    assertThatThrownBy(() -> Serializer.LONG.toBytes(-1L))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Random keys (bytes above 0x7f included) come back in unsigned order, ranges exact. */
  @Test
  void iterationIsInUnsignedKeyOrderAndRangesAreExact() {
    SplittableRandom random = new SplittableRandom(11);
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    try (WriteBatch batch = store.newBatch()) {
      for (int i = 0; i < 2_000; i++) {
        byte[] key = new byte[1 + random.nextInt(4)];
        random.nextBytes(key);
        if (random.nextInt(10) == 0) {
          key[0] = (byte) 0xff; // exercise prefixes of 0xff bytes
        }
        byte[] value = new byte[random.nextInt(8)];
        random.nextBytes(value);
        batch.put(Column.RECEIPTS, key, value);
        model.put(key, value);
      }
      batch.commit();
    }
    assertThat(keys(store.iterate(Column.RECEIPTS, KeyRange.all())))
        .containsExactlyElementsOf(hex(model.keySet()));
    for (int t = 0; t < 200; t++) {
      byte[] prefix = new byte[random.nextInt(3)];
      random.nextBytes(prefix);
      if (t % 5 == 0) {
        Arrays.fill(prefix, (byte) 0xff);
      }
      List<String> expected = new ArrayList<>();
      for (byte[] k : model.keySet()) {
        if (k.length >= prefix.length
            && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          expected.add(hex(k));
        }
      }
      assertThat(keys(store.iterate(Column.RECEIPTS, KeyRange.prefix(prefix))))
          .as("prefix case %d", t)
          .containsExactlyElementsOf(expected);

      byte[] from = new byte[1 + random.nextInt(2)];
      byte[] to = new byte[1 + random.nextInt(2)];
      random.nextBytes(from);
      random.nextBytes(to);
      KeyRange range = KeyRange.between(from, to);
      List<String> inRange = new ArrayList<>();
      for (byte[] k : model.keySet()) {
        if (range.contains(k)) {
          inRange.add(hex(k));
        }
      }
      assertThat(keys(store.iterate(Column.RECEIPTS, range)))
          .as("range case %d", t)
          .containsExactlyElementsOf(inRange);
    }
    assertThat(store.scan(Column.RECEIPTS, KeyRange.all(), 5)).hasSize(5);
  }

  @Test
  void snapshotDoesNotSeeLaterWrites() {
    put(Column.BLOCK_HEADERS, "a", "1");
    put(Column.BLOCK_HEADERS, "b", "2");
    try (Snapshot snap = store.snapshot()) {
      try (WriteBatch batch = store.newBatch()) {
        batch.put(Column.BLOCK_HEADERS, b("a"), b("changed"));
        batch.delete(Column.BLOCK_HEADERS, b("b"));
        batch.put(Column.BLOCK_HEADERS, b("c"), b("3"));
        batch.commit();
      }
      assertThat(snap.get(Column.BLOCK_HEADERS, b("a"))).hasValue(b("1"));
      assertThat(snap.get(Column.BLOCK_HEADERS, b("b"))).hasValue(b("2"));
      assertThat(snap.get(Column.BLOCK_HEADERS, b("c"))).isEmpty();
      assertThat(keys(snap.iterate(Column.BLOCK_HEADERS, KeyRange.all())))
          .containsExactly(hex(b("a")), hex(b("b")));
      assertThat(store.get(Column.BLOCK_HEADERS, b("a"))).hasValue(b("changed"));
      assertThat(keys(store.iterate(Column.BLOCK_HEADERS, KeyRange.all())))
          .containsExactly(hex(b("a")), hex(b("c")));
    }
  }

  @Test
  void closedSnapshotRefusesReads() {
    Snapshot snap = store.snapshot();
    snap.close();
    assertThatThrownBy(() -> snap.get(Column.CHAIN_META, b("x")))
        .isInstanceOf(StorageException.class);
    snap.close(); // idempotent
  }

  /** A reader never sees half a batch: two columns written together always agree in a snapshot. */
  @Test
  void concurrentSnapshotsSeeWholeBatchesOnly() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> violation = new AtomicReference<>();
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (!stop.get() && violation.get() == null) {
                    try (Snapshot s = store.snapshot()) {
                      var h = s.get(Column.BLOCK_HEADERS, b("head"));
                      var r = s.get(Column.RECEIPTS, b("head"));
                      if (!h.map(String::new).equals(r.map(String::new))) {
                        violation.set(h.map(String::new) + " vs " + r.map(String::new));
                      }
                    }
                  }
                });
    for (int i = 0; i < 2_000 && violation.get() == null; i++) {
      try (WriteBatch batch = store.newBatch()) {
        batch.put(Column.BLOCK_HEADERS, b("head"), b(Integer.toString(i)));
        batch.put(Column.RECEIPTS, b("head"), b(Integer.toString(i)));
        batch.commit(Durability.BUFFERED);
      }
    }
    stop.set(true);
    reader.join();
    assertThat(violation.get()).as("torn read").isNull();
  }

  @Test
  void closedStoreRefusesUse() {
    put(Column.CHAIN_META, "k", "v");
    store.close();
    assertThatThrownBy(() -> store.get(Column.CHAIN_META, b("k")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.newBatch()).isInstanceOf(StorageException.class);
    store.close(); // idempotent
  }

  @Test
  void syncCommitSurvivesReopen() {
    try (WriteBatch batch = store.newBatch()) {
      batch.put(Column.CHAIN_META, b("head"), b("9"));
      batch.put(Column.TRIE_NODES, b("n"), b("node"));
      batch.commit(Durability.SYNC);
    }
    try (WriteBatch batch = store.newBatch()) {
      batch.put(Column.CHAIN_META, b("buffered"), b("1"));
      batch.commit(Durability.BUFFERED);
    }
    KeyValueStore reopened = reopen(store);
    assumeTrue(reopened != null, "store is not persistent");
    store = reopened;
    assertThat(store.get(Column.CHAIN_META, b("head"))).hasValue(b("9"));
    assertThat(store.get(Column.TRIE_NODES, b("n"))).hasValue(b("node"));
    assertThat(store.get(Column.CHAIN_META, b("buffered"))).hasValue(b("1"));
  }

  static List<String> keys(KeyValueCursor cursor) {
    List<String> out = new ArrayList<>();
    try (cursor) {
      cursor.forEachRemaining(kv -> out.add(hex(kv.key())));
    }
    return out;
  }

  static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  static List<String> hex(Iterable<byte[]> keys) {
    List<String> out = new ArrayList<>();
    keys.forEach(k -> out.add(hex(k)));
    return out;
  }
}
