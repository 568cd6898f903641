package io.openledger.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.rpc.methods.Filters;
import io.openledger.node.rpc.methods.Subscriptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heavy RPC use against a real node, then everything closed: nothing may stay behind. Connections
 * each holding the most subscriptions allowed (newHeads, logs, full pending transactions), half of
 * them never reading what the node pushes (a stalled dapp); the most filters allowed, pending-
 * transaction filters buffering hashes; whole-chain {@code eth_getLogs}; thousands of transactions
 * notified to all of it. Heap after a full GC is measured at the start, under load and after
 * closing; it prints the three figures. Slow suite: {@code ./mvnw -pl node -am verify -Pslow
 * -Dtest=RpcMemoryProbeTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RpcMemoryProbeTest {
  static final int CONNECTIONS = 8; // half of them stalled
  static final int TRANSACTIONS = 3_000;
  static final long MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  @Tag("slow") // about a minute
  void subscriptionsFiltersAndQueriesLeaveNothingBehindOnceClosed() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      HttpClient http = HttpClient.newHttpClient();
      node.call("eth_getLogs", "[{\"fromBlock\":\"0x0\",\"toBlock\":\"latest\"}]");
      long baseline = heapAfterGc();

      List<Client> clients = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        clients.add(Client.open(http, node.runner.rpc().wsUrl(), c % 2 == 1));
      }
      for (Client c : clients) {
        c.subscribed.await(30, TimeUnit.SECONDS);
        assertThat(c.errors.get()).as("subscribe errors").isZero();
      }
      assertThat(node.runner.rpc().subscriptionCount())
          .isEqualTo(CONNECTIONS * Subscriptions.MAX_PER_SESSION);

      List<String> filterIds = new ArrayList<>();
      for (int i = 0; i < Filters.MAX_FILTERS; i++) {
        String method =
            switch (i % 3) {
              case 0 -> "eth_newPendingTransactionFilter";
              case 1 -> "eth_newBlockFilter";
              default -> "eth_newFilter";
            };
        String params = i % 3 == 2 ? "[{\"fromBlock\":\"0x0\"}]" : "[]";
        filterIds.add(node.call(method, params).get("result").asText());
      }
      assertThat(node.runner.rpc().filterCount()).isEqualTo(Filters.MAX_FILTERS);

      long head = submitTransfers(node);
      for (int i = 0; i < 50; i++) {
        JsonNode r = node.call("eth_getLogs", "[{\"fromBlock\":\"0x0\",\"toBlock\":\"latest\"}]");
        assertThat(r.has("result")).isTrue();
      }
      int liveUnderLoad = node.runner.rpc().subscriptionCount();
      long loaded = heapAfterGc();
      long received = clients.stream().mapToLong(c -> c.received.get()).sum();

      for (Client c : clients) {
        c.ws.abort();
      }
      for (String id : filterIds) {
        node.call("eth_uninstallFilter", "[\"" + id + "\"]");
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (node.runner.rpc().subscriptionCount() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      long closed = settledHeap();
      System.out.printf(
          Locale.ROOT,
          "RPC memory probe: heap after GC %d MiB at start, %d MiB under load (%d connections x %d"
              + " subscriptions, %d still live as the load ends, %d filters, %d"
              + " transactions to block %d, %d notifications read), %d MiB after closing%n",
          baseline / MIB,
          loaded / MIB,
          CONNECTIONS,
          Subscriptions.MAX_PER_SESSION,
          liveUnderLoad,
          Filters.MAX_FILTERS,
          TRANSACTIONS,
          head,
          received,
          closed / MIB);
      assertThat(node.runner.rpc().subscriptionCount()).isZero();
      assertThat(node.runner.rpc().filterCount()).isZero();
      assertThat(closed - baseline).as("heap retained after closing, bytes").isLessThan(48 * MIB);
    }
  }

  /** Transfers from the ten dev accounts, admitted in one call; waits until all are mined. */
  private static long submitTransfers(TestNode node) throws InterruptedException {
    List<byte[]> raws = new ArrayList<>();
    for (int n = 0; n < TRANSACTIONS / 10; n++) {
      for (int a = 0; a < 10; a++) {
        KeyPair k = KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(a).privateKeyHex());
        raws.add(
            TransactionBuilder.eip1559(TestNode.CHAIN_ID)
                .nonce(n)
                .maxFeePerGas(Amount.of(100_000_000_000L))
                .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
                .to(Address.ofLowBytes(0xb0b))
                .value(Amount.of(1))
                .sign(k)
                .encode());
      }
    }
    for (SubmitResult r : node.runner.ledger().intake().submitAll(raws)) {
      assertThat(r).isInstanceOf(SubmitResult.Accepted.class);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (node.runner.ledger().intake().poolStatus().pending() > 0
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(node.runner.ledger().intake().poolStatus().pending()).isZero();
    Thread.sleep(1_000); // the last notifications leave
    return node.runner.ledger().chain().headNumber();
  }

  /**
   * Heap after GC once it stops falling: notifications already queued for the closed connections
   * are still being discarded for a moment after the close.
   */
  private static long settledHeap() throws InterruptedException {
    long last = heapAfterGc();
    for (int i = 0; i < 30; i++) {
      Thread.sleep(1_000);
      long now = heapAfterGc();
      if (now > last - MIB) {
        return Math.min(now, last);
      }
      last = now;
    }
    return last;
  }

  private static long heapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  /**
   * A WebSocket client holding {@link Subscriptions#MAX_PER_SESSION} subscriptions. A stalled one
   * stops reading once subscribed, so the node's notifications back up toward it.
   */
  private static final class Client implements WebSocket.Listener {
    final boolean stalled;
    final CountDownLatch subscribed = new CountDownLatch(Subscriptions.MAX_PER_SESSION);
    final AtomicLong received = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final StringBuilder partial = new StringBuilder();
    WebSocket ws;

    private Client(boolean stalled) {
      this.stalled = stalled;
    }

    static Client open(HttpClient http, String url, boolean stalled) {
      Client c = new Client(stalled);
      c.ws = http.newWebSocketBuilder().buildAsync(URI.create(url), c).join();
      for (int i = 0; i < Subscriptions.MAX_PER_SESSION; i++) {
        String params =
            switch (i % 3) {
              case 0 -> "[\"newHeads\"]";
              case 1 -> "[\"newPendingTransactions\", true]";
              default -> "[\"logs\", {}]";
            };
        c.ws
            .sendText(
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + i
                    + ",\"method\":\"eth_subscribe\",\"params\":"
                    + params
                    + "}",
                true)
            .join();
      }
      return c;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        if (text.contains("\"error\"")) {
          errors.incrementAndGet();
        }
        if (text.contains("\"id\"")) {
          subscribed.countDown();
        } else {
          received.incrementAndGet();
        }
      }
      if (!stalled || subscribed.getCount() > 0) {
        webSocket.request(1);
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {}
  }
}
