package io.openledger.chain.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
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
    ledger.onLogs(
        LogFilter.range(null, null).withTopics(List.of(List.of(), List.of(B, C))), streamed::add);
    KeyPair k = KEYS.get(0);
    ledger.submit(TestChain.ping(k, 0, A, CHAIN).encode());
    ledger.submit(TestChain.transfer(k, 1, Address.ofLowBytes(9), Amount.open(1), CHAIN).encode());
    ledger.submit(TestChain.ping(k, 2, B, CHAIN).encode());
    ledger.produceBlock();
    ledger.produceBlock();
    ledger.submit(TestChain.ping(KEYS.get(1), 0, C, CHAIN).encode());
    ledger.produceBlock();
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  List<LogView> logs(LogFilter f) {
    QueryResult<List<LogView>> r = ledger.logs(f);
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
    assertThat(ledger.receipt(b.transactionHash()).orElseThrow().logs())
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
    Hash block1 = ledger.block(BlockRef.number(1)).orElseThrow().hash();
    assertThat(arg(logs(new LogFilter(null, null, block1, List.of(), List.of()))))
        .containsExactly(A, B);
  }

  @Test
  void aRangeOverOneThousandBlocksIsRefused() {
    QueryResult<List<LogView>> r =
        ledger.logs(LogFilter.range(BlockRef.number(0), BlockRef.number(1000)));
    assertThat(r)
        .isEqualTo(
            QueryResult.failed(
                QueryResult.FailureKind.LIMIT_EXCEEDED, "query exceeds max block range 1000"));
    assertThat(ledger.logs(LogFilter.range(BlockRef.number(0), BlockRef.number(999))))
        .isInstanceOf(QueryResult.Ok.class);
    assertThat(ledger.logs(LogFilter.range(BlockRef.number(3), BlockRef.number(1))))
        .isInstanceOf(QueryResult.Failed.class);
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
