package io.openledger.node.rpc.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.LogFilter;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.chain.vesting.VestingModule;
import io.openledger.node.rpc.JsonRpcException;
import io.openledger.node.rpc.RpcIds;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installed filters over a real ledger, with a hand-moved clock for expiry. */
class FiltersTest {
  static final Amount GWEI = Amount.of(1_000_000_000L);
  static final Address BEEF = Address.ofLowBytes(0xbeef);

  @TempDir Path dir;
  Ledger ledger;
  Filters filters;
  final AtomicLong nanos = new AtomicLong();
  long nonce;

  @BeforeEach
  void open() {
    long t0 = 1_700_000_000L;
    ledger =
        Ledger.open(
            dir,
            ChainSpec.from(Genesis.devnet().withTimestamp(t0)),
            LedgerConfig.onDemand().withSyncWrites(false),
            InstantSource.fixed(Instant.ofEpochSecond(t0 + 300)));
    filters = new Filters(ledger.chain(), ledger.events(), RpcIds.counting(), nanos::get, false);
  }

  @AfterEach
  void close() {
    filters.close();
    ledger.close();
  }

  static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  Hash send(Transaction tx) {
    SubmitResult r = ledger.intake().submit(tx.encode());
    assertThat(r).isInstanceOf(SubmitResult.Accepted.class);
    return tx.hash();
  }

  Transaction transfer() {
    return TransactionBuilder.eip1559(1337)
        .nonce(nonce++)
        .maxPriorityFeePerGas(GWEI)
        .maxFeePerGas(GWEI.multiply(3))
        .to(BEEF)
        .value(Amount.of(1))
        .sign(dev(0));
  }

  Transaction claim(long n) {
    return TransactionBuilder.eip1559(1337)
        .nonce(n)
        .maxPriorityFeePerGas(GWEI)
        .maxFeePerGas(GWEI.multiply(3))
        .gasLimit(200_000)
        .to(VestingModule.ADDRESS)
        .data(VestingModule.CLAIM.encodeCall())
        .sign(dev(1));
  }

  @SuppressWarnings("unchecked")
  static <T> List<T> changes(Filters.Changes c) {
    return switch (c) {
      case Filters.Changes.LogChanges l -> (List<T>) l.logs();
      case Filters.Changes.HashChanges h -> (List<T>) h.hashes();
    };
  }

  @Test
  void logFiltersReportNewMatchingLogsOncePerPoll() {
    String all = filters.newLogFilter(LogFilter.range(BlockRef.EARLIEST, BlockRef.LATEST));
    String vesting =
        filters.newLogFilter(
            LogFilter.range(BlockRef.LATEST, BlockRef.LATEST)
                .withAddresses(List.of(VestingModule.ADDRESS)));
    String untilOne = filters.newLogFilter(LogFilter.range(BlockRef.number(0), BlockRef.number(1)));
    Hash claimed = send(claim(0));
    send(transfer());
    ledger.produceBlock(); // block 1: the claim's log
    assertThat(changes(filters.changes(all))).hasSize(1);
    assertThat(changes(filters.changes(all))).isEmpty();
    List<io.openledger.chain.ledger.LogView> v = changes(filters.changes(vesting));
    assertThat(v)
        .extracting(io.openledger.chain.ledger.LogView::transactionHash)
        .containsExactly(claimed);
    send(transfer());
    ledger.produceBlock(); // block 2: no log
    ledger.produceBlock();
    assertThat(changes(filters.changes(vesting))).isEmpty();
    // A filter whose range ends at block 1 reports nothing after it, whatever comes.
    assertThat(changes(filters.changes(untilOne))).hasSize(1);
    send(claim(1));
    ledger.produceBlock();
    assertThat(changes(filters.changes(untilOne))).isEmpty();
    // eth_getFilterLogs is the whole query, not the changes.
    assertThat(filters.logs(all)).hasSize(2);
  }

  @Test
  void blockAndPendingTransactionFiltersReportHashes() throws Exception {
    String blocks = filters.newBlockFilter();
    String pending = filters.newPendingTransactionFilter();
    Hash first = send(transfer());
    Hash second = send(transfer());
    Hash b1 = ledger.produceBlock().hash();
    Hash b2 = ledger.produceBlock().hash();
    assertThat(changes(filters.changes(blocks))).containsExactly(b1, b2);
    assertThat(changes(filters.changes(blocks))).isEmpty();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<Hash> seen = new java.util.ArrayList<>();
    while (seen.size() < 2 && System.nanoTime() < deadline) {
      seen.addAll(changes(filters.changes(pending)));
      Thread.sleep(5);
    }
    assertThat(seen).containsExactly(first, second);
    assertThatThrownBy(() -> filters.logs(blocks)).hasMessage("filter not found");
  }

  @Test
  void aFilterIsFoundByItsIdAsANumberPaddedOrInUpperCase() {
    Filters random =
        new Filters(ledger.chain(), ledger.events(), RpcIds.random(), nanos::get, false);
    try {
      for (int i = 0; i < 200; i++) {
        String id = random.newBlockFilter();
        // Issued as a quantity: what web3j sends back after holding the id as a BigInteger.
        assertThat(id).isEqualTo("0x" + new java.math.BigInteger(id.substring(2), 16).toString(16));
        String padded = "0x" + "0".repeat(34 - id.length()) + id.substring(2).toUpperCase();
        assertThat(changes(random.changes(padded))).isEmpty();
        assertThat(random.uninstall(padded)).isTrue();
        assertThat(random.uninstall(id)).isFalse();
      }
    } finally {
      random.close();
    }
  }

  @Test
  void idleFiltersExpireAfterFiveMinutesAndPollingKeepsThemAlive() {
    String kept = filters.newBlockFilter();
    String idle = filters.newBlockFilter();
    nanos.addAndGet(Duration.ofMinutes(4).toNanos());
    filters.changes(kept);
    nanos.addAndGet(Duration.ofMinutes(1).toNanos());
    // idle: 5 minutes without a poll; kept: polled a minute ago.
    assertThat(changes(filters.changes(kept))).isEmpty();
    assertThatThrownBy(() -> filters.changes(idle))
        .isInstanceOf(JsonRpcException.class)
        .hasMessage("filter not found");
    assertThat(filters.uninstall(idle)).isFalse();
    assertThat(filters.uninstall(kept)).isTrue();
    assertThat(filters.size()).isZero();
  }

  @Test
  void thereIsALimitOnInstalledFilters() {
    for (int i = 0; i < Filters.MAX_FILTERS; i++) {
      filters.newBlockFilter();
    }
    assertThatThrownBy(filters::newBlockFilter)
        .isInstanceOf(JsonRpcException.class)
        .satisfies(e -> assertThat(((JsonRpcException) e).error().code()).isEqualTo(-32005))
        .hasMessageStartingWith("too many filters (at most 1000)");
    // Expired ones make room.
    nanos.addAndGet(Filters.IDLE_EXPIRY.toNanos());
    assertThat(filters.newBlockFilter()).isNotBlank();
    assertThat(filters.size()).isEqualTo(1);
  }

  @Test
  void aPendingTransactionFilterKeepsABoundedBuffer() throws Exception {
    String pending = filters.newPendingTransactionFilter();
    AtomicLong announced = new AtomicLong();
    // Registered after the filter: once it has seen a hash, so has the filter.
    ledger.events().onPendingTransaction(h -> announced.incrementAndGet());
    int n = Filters.MAX_PENDING_HASHES + 5;
    Hash last = null;
    for (int i = 0; i < n; i++) {
      last = send(transfer());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (announced.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<Hash> got = changes(filters.changes(pending));
    assertThat(got).hasSize(Filters.MAX_PENDING_HASHES);
    assertThat(got.getLast()).isEqualTo(last);
  }
}
