package io.openledger.node.economy;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
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
}
