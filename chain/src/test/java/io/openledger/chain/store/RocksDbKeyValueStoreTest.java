package io.openledger.chain.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbKeyValueStoreTest extends KeyValueStoreContractTest {
  @TempDir Path tmp;
  private int dbs;

  @Override
  protected KeyValueStore open() {
    return RocksDbKeyValueStore.open(
        tmp.resolve("db" + dbs++), RocksDbConfig.DEFAULT.withBlockCache(8 << 20));
  }

  @Override
  protected KeyValueStore reopen(KeyValueStore store) {
    Path dir = ((RocksDbKeyValueStore) store).directory();
    store.close();
    return RocksDbKeyValueStore.open(dir);
  }

  @Test
  void secondOpenOfTheSameDirectoryIsRefusedClearly() {
    Path dir = ((RocksDbKeyValueStore) store).directory();
    assertThatThrownBy(() -> RocksDbKeyValueStore.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("in use by another process")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void corruptDirectoryIsReportedAsCorrupt() throws IOException {
    Path dir = ((RocksDbKeyValueStore) store).directory();
    try (WriteBatch batch = store.newBatch()) {
      batch.put(Column.CHAIN_META, b("k"), b("v"));
      batch.commit();
    }
    store.close();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path manifest :
          files.filter(p -> p.getFileName().toString().startsWith("MANIFEST")).toList()) {
        Files.write(manifest, "this is not a manifest".repeat(20).getBytes(StandardCharsets.UTF_8));
      }
    }
    assertThatThrownBy(() -> RocksDbKeyValueStore.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("corrupt")
        .hasMessageContaining(dir.toString());
    store = open(); // for tearDown
  }

  @Test
  void directoryThatIsAFileIsReported() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    assertThatThrownBy(() -> RocksDbKeyValueStore.open(file))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file.toString());
  }

  /** Iterators and snapshots left open do not crash the JVM when the store closes. */
  @Test
  void closeReleasesOpenCursorsAndSnapshots() {
    try (WriteBatch batch = store.newBatch()) {
      batch.put(Column.CHAIN_META, b("a"), b("1")).put(Column.CHAIN_META, b("b"), b("2"));
      batch.commit();
    }
    Snapshot snap = store.snapshot();
    KeyValueCursor cursor = store.iterate(Column.CHAIN_META, KeyRange.all());
    KeyValueCursor snapCursor = snap.iterate(Column.CHAIN_META, KeyRange.all());
    assertThat(cursor.next().key()).isEqualTo(b("a"));
    store.close();
    assertThat(cursor.hasNext()).isFalse();
    assertThat(snapCursor.hasNext()).isFalse();
    assertThatThrownBy(() -> snap.get(Column.CHAIN_META, b("a")))
        .isInstanceOf(StorageException.class);
    cursor.close();
    snap.close();
  }

  /**
   * A child process commits numbered batches with SYNC and prints each number once committed; we
   * SIGKILL it at a random moment. Every acknowledged batch must be there after reopening, whole.
   */
  @Test
  void acknowledgedBatchesSurviveSigkill() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    for (int round = 0; round < 3; round++) {
      Path dir = tmp.resolve("killed" + round);
      Process child = StoreWriterProcess.start(dir);
      int killAfter = 20 + random.nextInt(200);
      long lastAcked = -1;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          lastAcked = Long.parseLong(line.trim());
          if (lastAcked >= killAfter) {
            break;
          }
        }
        child.destroyForcibly(); // SIGKILL on Linux
        child.waitFor(30, TimeUnit.SECONDS);
      }
      assertThat(lastAcked)
          .as("round %d: child made progress", round)
          .isGreaterThanOrEqualTo(killAfter);
      try (RocksDbKeyValueStore reopened = RocksDbKeyValueStore.open(dir)) {
        for (long i = 0; i <= lastAcked; i++) {
          byte[] key = Keys.longKey(i);
          assertThat(reopened.get(Column.BLOCK_HEADERS, key))
              .as("round %d batch %d header", round, i)
              .isPresent();
          assertThat(reopened.get(Column.RECEIPTS, key))
              .as("round %d batch %d receipts", round, i)
              .isPresent();
        }
        // batches after the last acknowledged one may or may not be there, but never half
        List<KeyValue> headers =
            reopened.scan(Column.BLOCK_HEADERS, KeyRange.all(), Integer.MAX_VALUE);
        List<KeyValue> receipts = reopened.scan(Column.RECEIPTS, KeyRange.all(), Integer.MAX_VALUE);
        assertThat(headers).hasSameSizeAs(receipts);
      }
    }
  }
}
