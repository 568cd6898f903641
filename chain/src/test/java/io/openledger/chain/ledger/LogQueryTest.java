package io.openledger.chain.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.store.Column;
import io.openledger.chain.store.KeyRange;
import io.openledger.chain.store.KeyValueCursor;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.LogIndex;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogQueryTest {
  static final long CHAIN = 1337;
  static final List<KeyPair> KEYS = TestChain.devKeys(2);
  static final Address PING = TestChain.PingModule.ADDRESS;
  static final Hash A = Hash.keccak256(new byte[] {1});
  static final Hash B = Hash.keccak256(new byte[] {2});
  static final Hash C = Hash.keccak256(new byte[] {3});

  @TempDir Path dir;
  Ledger ledger;
  final List<LogView> streamed = new CopyOnWriteArrayList<>();

  /** Block 1: ping(A), transfer, ping(B). Block 2: empty. Block 3: ping(C). */
  @BeforeEach
  void chainWithLogs() {
    ledger =
        Ledger.open(
            dir,
            TestChain.spec(CHAIN, KEYS),
            LedgerConfig.onDemand(),
            () -> Instant.ofEpochSecond(1_700_000_000L));
    ledger
        .events()
        .onLogs(
            LogFilter.range(null, null).withTopics(List.of(List.of(), List.of(B, C))),
            streamed::add);
    KeyPair k = KEYS.get(0);
    ledger.intake().submit(TestChain.ping(k, 0, A, CHAIN).encode());
    ledger
        .intake()
        .submit(TestChain.transfer(k, 1, Address.ofLowBytes(9), Amount.open(1), CHAIN).encode());
    ledger.intake().submit(TestChain.ping(k, 2, B, CHAIN).encode());
    ledger.produceBlock();
    ledger.produceBlock();
    ledger.intake().submit(TestChain.ping(KEYS.get(1), 0, C, CHAIN).encode());
    ledger.produceBlock();
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  List<LogView> logs(LogFilter f) {
    QueryResult<List<LogView>> r = ledger.chain().logs(f);
    assertThat(r).isInstanceOf(QueryResult.Ok.class);
    return ((QueryResult.Ok<List<LogView>>) r).value();
  }

  static List<Hash> arg(List<LogView> logs) {
    return logs.stream().map(l -> l.topics().get(1)).toList();
  }

  @Test
  void allLogsInChainOrderWithPositions() {
    List<LogView> all = logs(LogFilter.range(BlockRef.EARLIEST, BlockRef.LATEST));
    assertThat(arg(all)).containsExactly(A, B, C);
    LogView b = all.get(1);
    assertThat(b.blockNumber()).isEqualTo(1);
    assertThat(b.transactionIndex()).isEqualTo(2);
    assertThat(b.logIndex()).isEqualTo(1);
    assertThat(b.address()).isEqualTo(PING);
    assertThat(ledger.chain().receipt(b.transactionHash()).orElseThrow().logs())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(b);
    assertThat(all.get(2).logIndex()).isZero();
  }

  @Test
  void topicsAreOrWithinAPositionAndAndAcross() {
    LogFilter f = LogFilter.range(BlockRef.EARLIEST, BlockRef.LATEST);
    assertThat(arg(logs(f.withTopics(List.of(List.of(), List.of(A, C)))))).containsExactly(A, C);
    assertThat(arg(logs(f.withTopics(List.of(List.of(TestChain.PingModule.PING), List.of(B))))))
        .containsExactly(B);
    assertThat(logs(f.withTopics(List.of(List.of(A))))).isEmpty();
    assertThat(logs(f.withTopics(List.of(List.of(), List.of(), List.of(A))))).isEmpty();
    assertThat(logs(f.withTopics(List.of(List.of(), List.of(), List.of())))).hasSize(3);
    assertThat(logs(f.withAddresses(List.of(Address.ofLowBytes(9))))).isEmpty();
    assertThat(logs(f.withAddresses(List.of(Address.ofLowBytes(9), PING)))).hasSize(3);
  }

  @Test
  void rangesAndBlockHash() {
    assertThat(arg(logs(LogFilter.range(BlockRef.number(2), BlockRef.number(3)))))
        .containsExactly(C);
    assertThat(arg(logs(LogFilter.range(BlockRef.number(1), BlockRef.number(1)))))
        .containsExactly(A, B);
    assertThat(logs(LogFilter.range(BlockRef.number(50), BlockRef.LATEST))).isEmpty();
    Hash block1 = ledger.chain().block(BlockRef.number(1)).orElseThrow().hash();
    assertThat(arg(logs(new LogFilter(null, null, block1, List.of(), List.of()))))
        .containsExactly(A, B);
  }

  @Test
  void aQueryMayCoverTheWholeChainAndBeyondTheHead() {
    assertThat(arg(logs(LogFilter.range(BlockRef.number(0), BlockRef.number(1_000_000)))))
        .containsExactly(A, B, C);
    assertThat(
            arg(
                logs(
                    LogFilter.range(BlockRef.EARLIEST, BlockRef.LATEST)
                        .withAddresses(List.of(PING))
                        .withTopics(List.of(List.of(TestChain.PingModule.PING), List.of(C))))))
        .containsExactly(C);
    assertThat(ledger.chain().logs(LogFilter.range(BlockRef.number(3), BlockRef.number(1))))
        .isEqualTo(
            QueryResult.failed(
                QueryResult.FailureKind.INVALID_INPUT, "invalid block range params"));
  }

  @Test
  void aStoreFromBeforeTheLogIndexIsIndexedWhenOpened() {
    ledger.close();
    // Strip the index, as a data directory of an older node has none.
    try (KeyValueStore store = RocksDbKeyValueStore.open(dir);
        WriteBatch batch = store.newBatch()) {
      try (KeyValueCursor c = store.iterate(Column.LOG_INDEX, KeyRange.all())) {
        while (c.hasNext()) {
          batch.delete(Column.LOG_INDEX, c.next().key());
        }
      }
      batch.delete(Column.CHAIN_META, "logIndex".getBytes(StandardCharsets.US_ASCII));
      batch.commit();
      assertThat(LogIndex.isComplete(store)).isFalse();
    }
    ledger =
        Ledger.open(
            dir,
            TestChain.spec(CHAIN, KEYS),
            LedgerConfig.onDemand(),
            () -> Instant.ofEpochSecond(1_700_000_000L));
    assertThat(arg(logs(LogFilter.range(BlockRef.EARLIEST, BlockRef.LATEST))))
        .containsExactly(A, B, C);
  }

  @Test
  void moreThanTenThousandResultsAreRefusedWithARangeThatFits() {
    // Block 4: 6,000 logs; block 5: 4,000 (10,003 with blocks 1 and 3); block 6: 1.
    ledger.intake().submit(TestChain.pings(KEYS.get(0), 3, A, 6_000, CHAIN).encode());
    ledger.produceBlock();
    ledger.intake().submit(TestChain.pings(KEYS.get(0), 4, B, 4_000, CHAIN).encode());
    ledger.produceBlock();
    ledger.intake().submit(TestChain.pings(KEYS.get(0), 5, C, 1, CHAIN).encode());
    ledger.produceBlock();
    assertThat(ledger.chain().logs(LogFilter.range(BlockRef.EARLIEST, BlockRef.LATEST)))
        .isEqualTo(
            QueryResult.failed(
                QueryResult.FailureKind.LIMIT_EXCEEDED,
                "query returned more than 10000 results. Try with this block range [0x0, 0x4]."));
    assertThat(logs(LogFilter.range(BlockRef.EARLIEST, BlockRef.number(4)))).hasSize(6_003);
    // A narrower filter over the same range fits.
    assertThat(
            logs(
                LogFilter.range(BlockRef.EARLIEST, BlockRef.LATEST)
                    .withTopics(List.of(List.of(), List.of(B, C)))))
        .hasSize(4_003);
  }

  @Test
  void subscribersGetMatchingLogsAsBlocksCommit() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (streamed.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(arg(streamed)).containsExactly(B, C);
  }
}
