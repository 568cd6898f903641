package io.openledger.node.economy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.StorageException;
import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordLogTest {
  @TempDir Path dir;

  private static RecordLog.Entry entry(long n) {
    byte[] bytes = ("record " + n).getBytes(StandardCharsets.UTF_8);
    return new RecordLog.Entry(Hash.keccak256(bytes), bytes);
  }

  @Test
  void concurrentAppendsGetEveryNumberOnceInOrderAndSurviveAReopen() throws Exception {
    ConcurrentHashMap<Long, Boolean> returned = new ConcurrentHashMap<>();
    try (RecordLog log = new RecordLog(RocksDbKeyValueStore.open(dir));
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 400; t++) {
        done.add(pool.submit(() -> returned.put(log.append(RecordLogTest::entry), true)));
      }
      for (Future<?> f : done) {
        f.get();
      }
      assertThat(log.nextNumber()).isEqualTo(400);
    }
    assertThat(returned.keySet()).hasSize(400).allMatch(n -> n >= 0 && n < 400);
    try (RecordLog log = new RecordLog(RocksDbKeyValueStore.open(dir))) {
      assertThat(log.nextNumber()).isEqualTo(400);
      List<byte[]> all = log.range(0, 400);
      assertThat(all).hasSize(400);
      for (int n = 0; n < 400; n++) {
        assertThat(new String(all.get(n), StandardCharsets.UTF_8)).isEqualTo("record " + n);
        assertThat(log.numberOf(entry(n).hash())).contains((long) n);
      }
      assertThat(log.append(RecordLogTest::entry)).isEqualTo(400);
      assertThat(log.get(400)).isPresent();
      assertThat(log.numberOf(Hash.ZERO)).isEmpty();
    }
  }

  @Test
  void anAppendWhoseWriteFailsThrowsAndIsNotCountedDurable() {
    InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    RecordLog log = new RecordLog(store);
    assertThat(log.append(RecordLogTest::entry)).isZero();
    store.close(); // every write from now on fails
    assertThatThrownBy(() -> log.append(RecordLogTest::entry))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("closed");
    assertThat(log.durableCount()).isEqualTo(1);
    assertThat(log.nextNumber()).isEqualTo(2); // the failed number is lost, as documented
    assertThatThrownBy(() -> log.append(RecordLogTest::entry)).isInstanceOf(StorageException.class);
    log.close();
    assertThatThrownBy(() -> log.append(RecordLogTest::entry))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the record log is closed");
  }

  @Test
  void closingWhileAppendsRunWritesEveryAppendThatReturnedAndRefusesTheRest() throws Exception {
    ConcurrentHashMap<Long, Boolean> returned = new ConcurrentHashMap<>();
    List<Throwable> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
    RecordLog log = new RecordLog(RocksDbKeyValueStore.open(dir));
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 300; t++) {
        done.add(
            pool.submit(
                () -> {
                  try {
                    returned.put(log.append(RecordLogTest::entry), true);
                  } catch (IllegalStateException e) {
                    refused.add(e);
                  }
                }));
        if (t == 150) {
          pool.submit(log::close);
        }
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw new AssertionError("an append failed otherwise than refused", e.getCause());
        }
      }
    }
    assertThat(returned.size() + refused.size()).isEqualTo(300);
    assertThat(refused).allMatch(e -> e.getMessage().contains("record log is closed"));
    try (RecordLog reopened = new RecordLog(RocksDbKeyValueStore.open(dir))) {
      for (long n : returned.keySet()) {
        assertThat(reopened.get(n)).as("record %d returned to its caller", n).isPresent();
      }
      assertThat(reopened.nextNumber()).isEqualTo(returned.size());
    }
  }
}
