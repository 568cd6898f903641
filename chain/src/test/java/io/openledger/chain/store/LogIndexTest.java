package io.openledger.chain.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.ledger.LogFilter;
import io.openledger.chain.tx.TransactionType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The log index against a naive scan of every log: random chains (few addresses and topics, so
 * filters match often and in combinations), random filters and ranges; the index must give exactly
 * the matching positions, in chain order.
 */
class LogIndexTest {
  record Indexed(long block, int logIndex, int txIndex, Log log) {}

  static final List<Address> ADDRESSES =
      List.of(Address.ofLowBytes(1), Address.ofLowBytes(2), Address.ofLowBytes(3));
  static final List<Hash> TOPICS =
      List.of(
          Hash.keccak256(new byte[] {1}),
          Hash.keccak256(new byte[] {2}),
          Hash.keccak256(new byte[] {3}),
          Hash.keccak256(new byte[] {4}));

  @Test
  void indexedQueriesEqualANaiveScanOfEveryLog() {
    SplittableRandom rnd = new SplittableRandom(2024);
    for (int round = 0; round < 20; round++) {
      InMemoryKeyValueStore store = new InMemoryKeyValueStore();
      List<Indexed> all = new ArrayList<>();
      int blocks = 1 + rnd.nextInt(60);
      for (long n = 0; n < blocks; n++) {
        List<Receipt> receipts = new ArrayList<>();
        int logIndex = 0;
        int txs = rnd.nextInt(4);
        for (int tx = 0; tx < txs; tx++) {
          List<Log> logs = new ArrayList<>();
          int count = rnd.nextInt(4);
          for (int k = 0; k < count; k++) {
            List<Hash> topics = new ArrayList<>();
            int t = rnd.nextInt(5);
            for (int i = 0; i < t; i++) {
              topics.add(TOPICS.get(rnd.nextInt(TOPICS.size())));
            }
            Log log = new Log(ADDRESSES.get(rnd.nextInt(ADDRESSES.size())), topics, new byte[0]);
            logs.add(log);
            all.add(new Indexed(n, logIndex++, tx, log));
          }
          receipts.add(
              Receipt.of(
                  TransactionType.EIP1559, true, 21_000L * (tx + 1), 21_000, Amount.ZERO, logs));
        }
        try (WriteBatch batch = store.newBatch()) {
          LogIndex.put(batch, n, receipts);
          batch.commit();
        }
      }
      for (int q = 0; q < 200; q++) {
        long from = rnd.nextInt(blocks + 2);
        long to = from + rnd.nextInt(blocks + 2);
        List<Address> addresses = pick(rnd, ADDRESSES);
        List<List<Hash>> topics = new ArrayList<>();
        int positions = rnd.nextInt(5);
        for (int i = 0; i < positions; i++) {
          topics.add(rnd.nextInt(3) == 0 ? List.of() : pick(rnd, TOPICS));
        }
        LogFilter filter = new LogFilter(null, null, null, addresses, topics);
        List<LogIndex.Position> want =
            all.stream()
                .filter(l -> l.block() >= from && l.block() <= to)
                .filter(l -> filter.matches(l.log().address(), l.log().topics()))
                .map(l -> new LogIndex.Position(l.block(), l.logIndex(), l.txIndex()))
                .toList();
        List<LogIndex.Position> got = new ArrayList<>();
        LogIndex.scan(store, from, to, addresses, topics, got::add);
        assertThat(got)
            .as("round %d query %d: %s %s [%d, %d]", round, q, addresses, topics, from, to)
            .isEqualTo(want);
        // A visitor that stops early gets a prefix.
        List<LogIndex.Position> firstTwo = new ArrayList<>();
        LogIndex.scan(
            store, from, to, addresses, topics, p -> firstTwo.add(p) && firstTwo.size() < 2);
        assertThat(firstTwo).isEqualTo(want.subList(0, Math.min(2, want.size())));
      }
    }
  }

  private static <T> List<T> pick(SplittableRandom rnd, List<T> from) {
    List<T> out = new ArrayList<>();
    for (T t : from) {
      if (rnd.nextInt(3) == 0) {
        out.add(t);
      }
    }
    return out;
  }
}
