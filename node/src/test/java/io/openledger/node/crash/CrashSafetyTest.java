package io.openledger.node.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainAudit;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the real node process with SIGKILL at random moments while clients send transfers through
 * JSON-RPC, restarts it on the same data directory, and checks what a user relies on: every receipt
 * a client saw is still there, the same; every transaction whose hash was returned is mined or
 * still pending; and at the end, every block replays to its state root with the supply invariant
 * holding ({@link ChainAudit}).
 */
class CrashSafetyTest {
  static final long CHAIN = Genesis.DEVNET_CHAIN_ID;
  static final Amount GWEI = Amount.of(1_000_000_000L);
  static final long BLOCK_TIME_MS = 250;
  static final int BATCH = 16;

  @TempDir Path work;

  @Test
  void killedNodeKeepsEveryReceiptAndAcknowledgedTransaction() throws Exception {
    crashLoop(3, 11);
  }

  @Test
  @Tag("slow")
  void dozensOfKillsAtRandomMoments() throws Exception {
    crashLoop(30, 1234);
  }

  /**
   * The same with the node keeping only 8 block states, so kills land in the middle of pruning
   * steps: nothing acknowledged is lost, the chain replays from genesis, and the kept states answer
   * while older ones are refused.
   */
  @Test
  void killedPruningNodeLosesNothingAndKeepsItsWindow() throws Exception {
    extraArgs = List.of("--prune-keep", "8");
    crashLoop(3, 17);
    NodeProcess node =
        NodeProcess.start(
            work.resolve("data"),
            work.resolve("node.log"),
            250,
            0,
            NodeProcess.CHAIN_ONLY_JVM,
            extraArgs);
    try {
      long head = Long.decode(node.call("eth_blockNumber", "[]").asText());
      assertThat(head).isGreaterThan(20);
      String account = DevAccounts.ALL.get(2).address().toHex();
      String keptBlock = "0x" + Long.toHexString(head - 7);
      assertThat(
              node.call("eth_getBalance", "[\"" + account + "\", \"" + keptBlock + "\"]").asText())
          .startsWith("0x");
      assertThatThrownBy(() -> node.call("eth_getBalance", "[\"" + account + "\", \"0x1\"]"))
          .hasMessageStartingWith("state not available: block 1 was pruned");
    } finally {
      node.stop();
    }
  }

  /** Options for {@code devnet} beyond the test's own. */
  private List<String> extraArgs = List.of();

  /** What clients saw: acknowledged hashes and the receipts returned for them. */
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

  private final Map<String, JsonNode> receipts = new ConcurrentHashMap<>();

  /** Counted down by each batch the clients send: the kill waits for the load to be running. */
  private volatile CountDownLatch sending = new CountDownLatch(0);

  private void crashLoop(int kills, long seed) throws Exception {
    Path dataDir = work.resolve("data");
    Path log = work.resolve("node.log");
    SplittableRandom random = new SplittableRandom(seed);
    List<KeyPair> senders =
        DevAccounts.ALL.subList(2, 6).stream()
            .map(a -> KeyPair.fromPrivateKeyHex(a.privateKeyHex()))
            .toList();
    for (int round = 0; round < kills; round++) {
      NodeProcess node = startNode(dataDir, log);
      try {
        checkSurvivors(node, "after kill " + round);
        AtomicBoolean stop = new AtomicBoolean();
        sending = new CountDownLatch(senders.size());
        List<Thread> clients = new ArrayList<>();
        for (KeyPair k : senders) {
          clients.add(Thread.ofPlatform().start(() -> sendTransfers(node, k, stop)));
        }
        Thread poller = Thread.ofPlatform().start(() -> pollReceipts(node, stop));
        // Kill at a random moment of the load: 0.2 to 2.5 s after it is running.
        sending.await(60, TimeUnit.SECONDS);
        Thread.sleep(200 + random.nextInt(2_300));
        node.kill();
        stop.set(true);
        for (Thread t : clients) {
          t.join();
        }
        poller.join();
      } finally {
        node.close();
      }
    }
    NodeProcess last = startNode(dataDir, log);
    try {
      checkSurvivors(last, "after the last kill");
    } finally {
      last.stop();
    }
    assertThat(receipts).as("the load produced receipts").isNotEmpty();
    ChainAudit.Report report = ChainAudit.run(dataDir, ChainSpec.from(Genesis.devnet()));
    assertThat(report.problems()).as("replay of every block").isEmpty();
    assertThat(report.transactions()).isGreaterThanOrEqualTo(receipts.size());
  }

  private NodeProcess startNode(Path dataDir, Path log) throws Exception {
    return NodeProcess.start(dataDir, log, BLOCK_TIME_MS, 0, NodeProcess.CHAIN_ONLY_JVM, extraArgs);
  }

  /** Every receipt seen is unchanged; every acknowledged transaction is mined or pending. */
  private void checkSurvivors(NodeProcess node, String when) throws Exception {
    List<String> seen = new ArrayList<>(receipts.keySet());
    for (int i = 0; i < seen.size(); i += 200) {
      List<String> hashes = seen.subList(i, Math.min(seen.size(), i + 200));
      List<JsonNode> answers =
          node.batch(
              "eth_getTransactionReceipt", hashes.stream().map(h -> "[\"" + h + "\"]").toList());
      for (int j = 0; j < hashes.size(); j++) {
        assertThat(answers.get(j).path("result"))
            .as("%s: receipt of %s", when, hashes.get(j))
            .isEqualTo(receipts.get(hashes.get(j)));
      }
    }
    List<String> acked = new ArrayList<>(acknowledged);
    for (int i = 0; i < acked.size(); i += 200) {
      List<String> hashes = acked.subList(i, Math.min(acked.size(), i + 200));
      List<JsonNode> answers =
          node.batch(
              "eth_getTransactionByHash", hashes.stream().map(h -> "[\"" + h + "\"]").toList());
      for (int j = 0; j < hashes.size(); j++) {
        assertThat(answers.get(j).path("result").path("hash").asText())
            .as("%s: acknowledged transaction %s is mined or pending", when, hashes.get(j))
            .isEqualTo(hashes.get(j));
      }
    }
  }

  /**
   * One sender's transfers in batches of consecutive nonces, until the node dies or the round ends;
   * after a refusal (pool limits) it asks the node for its pending nonce and goes on.
   */
  private void sendTransfers(NodeProcess node, KeyPair key, AtomicBoolean stop) {
    Address to = Address.ofLowBytes(0xc0de);
    try {
      long nonce = pendingNonce(node, key.address());
      while (!stop.get()) {
        List<String> params = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
          String raw =
              Bytes.toHex(
                  TransactionBuilder.eip1559(CHAIN)
                      .nonce(nonce + i)
                      .maxFeePerGas(GWEI.multiply(100))
                      .maxPriorityFeePerGas(GWEI)
                      .to(to)
                      .value(Amount.of(1_000))
                      .sign(key)
                      .encode());
          params.add("[\"" + raw + "\"]");
        }
        List<JsonNode> answers = node.batch("eth_sendRawTransaction", params);
        boolean refused = false;
        for (JsonNode a : answers) {
          if (a.has("result")) {
            acknowledged.add(a.get("result").asText());
          } else {
            refused = true;
          }
        }
        if (refused) {
          Thread.sleep(50);
          nonce = pendingNonce(node, key.address());
        } else {
          nonce += BATCH;
        }
        sending.countDown();
      }
    } catch (IOException | InterruptedException nodeGone) {
      // The node was killed: this round's load ends here.
    }
  }

  private static long pendingNonce(NodeProcess node, Address a)
      throws IOException, InterruptedException {
    return Long.decode(
        node.call("eth_getTransactionCount", "[\"" + a.toHex() + "\",\"pending\"]").asText());
  }

  /** Asks for the receipts of acknowledged transactions and remembers every one returned. */
  private void pollReceipts(NodeProcess node, AtomicBoolean stop) {
    try {
      while (!stop.get()) {
        List<String> waiting =
            acknowledged.stream().filter(h -> !receipts.containsKey(h)).limit(500).toList();
        if (!waiting.isEmpty()) {
          List<JsonNode> answers =
              node.batch(
                  "eth_getTransactionReceipt",
                  waiting.stream().map(h -> "[\"" + h + "\"]").toList());
          for (int i = 0; i < waiting.size(); i++) {
            JsonNode r = answers.get(i).path("result");
            if (r.isObject()) {
              receipts.put(waiting.get(i), r);
            }
          }
        }
        Thread.sleep(20);
      }
    } catch (IOException | InterruptedException nodeGone) {
      // The node was killed.
    }
  }
}
