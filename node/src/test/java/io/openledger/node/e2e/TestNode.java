package io.openledger.node.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.state.StateRetention;
import io.openledger.node.devnet.NodeRunner;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Function;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * The real node for end-to-end tests: the devnet genesis (started five minutes ago, so the demo
 * vesting schedule has vested part), RocksDB in a temp directory, a block as soon as transactions
 * are pending, JSON-RPC on a free loopback port; and a web3j client on it.
 */
final class TestNode implements AutoCloseable {
  static final long CHAIN_ID = 1337;

  final Genesis genesis;
  final NodeRunner runner;
  final Web3j web3;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestNode(Genesis genesis, NodeRunner runner) {
    this.genesis = genesis;
    this.runner = runner;
    this.web3 = Web3j.build(new HttpService(runner.rpc().httpUrl()));
  }

  static TestNode start(Path dir) {
    return start(dir, ChainSpec::from, StateRetention.ARCHIVE, Duration.ofMillis(250));
  }

  /** The same node on a chain spec made from the devnet genesis (another protocol schedule). */
  static TestNode start(Path dir, Function<Genesis, ChainSpec> spec) {
    return start(dir, spec, StateRetention.ARCHIVE, Duration.ofMillis(250));
  }

  /**
   * The node keeping the given block states, making a block only when transactions are pending (so
   * the head stands still between them).
   */
  static TestNode start(Path dir, StateRetention retention) {
    return start(dir, ChainSpec::from, retention, Duration.ofHours(1));
  }

  private static TestNode start(
      Path dir,
      Function<Genesis, ChainSpec> spec,
      StateRetention retention,
      Duration emptyBlockInterval) {
    Genesis g = Genesis.devnet().withTimestamp(Instant.now().getEpochSecond() - 300);
    LedgerConfig config =
        LedgerConfig.DEFAULT
            .withSyncWrites(false)
            .withSequencer(
                SequencerConfig.DEFAULT
                    .withProduction(SequencerConfig.Production.WHEN_PENDING)
                    .withBlockInterval(emptyBlockInterval))
            .withStateRetention(retention);
    NodeRunner runner =
        NodeRunner.start(
            new NodeRunner.Options(dir, spec.apply(g), config, "127.0.0.1", 0),
            InstantSource.system());
    return new TestNode(g, runner);
  }

  String url() {
    return runner.rpc().httpUrl();
  }

  static Credentials dev(int i) {
    return Credentials.create(DevAccounts.ALL.get(i).privateKeyHex());
  }

  /** Polls for a receipt; a liveness guard of 30 s, not a timing assertion. */
  TransactionReceipt awaitReceipt(String txHash) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<TransactionReceipt> r =
          web3.ethGetTransactionReceipt(txHash).send().getTransactionReceipt();
      if (r.isPresent()) {
        return r.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no receipt for " + txHash);
  }

  /** A raw JSON-RPC exchange, for what web3j does not expose. */
  JsonNode rpc(String body) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
    }
    return Json.MAPPER.readTree(r.body());
  }

  JsonNode call(String method, String paramsJson) throws IOException, InterruptedException {
    return rpc(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""
            + method
            + "\",\"params\":"
            + paramsJson
            + "}");
  }

  static BigInteger quantity(JsonNode n) {
    return new BigInteger(n.asText().substring(2), 16);
  }

  @Override
  public void close() {
    web3.shutdown();
    runner.close();
  }
}
