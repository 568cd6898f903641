package io.openledger.node.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.l1.Anvil;
import io.openledger.l1.BatchFrame;
import io.openledger.l1.L1Deployment;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PostedBatches;
import io.openledger.l1.PostedOutputs;
import io.openledger.node.bridge.InboxBlocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * The real node process runs the proposer and the batcher against anvil and is killed with SIGKILL
 * at random moments (mid-post included, and in the middle of a block posted in parts: batches are
 * limited to 1,000 bytes), then restarted: in the end the inbox, read as the follower reads it,
 * gives every L2 block exactly once, in order, with its transactions byte for byte, and the oracle
 * holds the output of every N-th block exactly once, each the root of the node's block.
 */
@Tag("slow")
class SettlementCrashTest {
  private static final int INTERVAL = 2;

  @TempDir Path work;

  @Test
  void killedRolesLoseNoBlockAndPostNothingTwice() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    try (Anvil anvil =
        Anvil.start(Path.of(System.getProperty("l1.nodeModules", "../l1/node_modules")))) {
      L1Sender deployer = sender(anvil, 0);
      L1Deployment l1 =
          L1Deployment.deploy(
              deployer,
              new L1Deployment.Config(
                  Address.fromHex(sender(anvil, 1).address()),
                  Address.fromHex(deployer.address()),
                  Address.fromHex(sender(anvil, 2).address()),
                  3600,
                  BridgeModule.ADDRESS));
      Path proposerKey =
          Files.writeString(work.resolve("proposer.key"), DevAccounts.ALL.get(1).privateKeyHex());
      Path batcherKey =
          Files.writeString(work.resolve("batcher.key"), DevAccounts.ALL.get(2).privateKeyHex());
      List<String> args =
          List.of(
              "--l1-rpc",
              anvil.rpcUrl(),
              "--l1-confirmations",
              "1",
              "--l1-oracle",
              l1.oracle(),
              "--proposer-key-file",
              proposerKey.toString(),
              "--output-interval",
              Integer.toString(INTERVAL),
              "--l1-inbox",
              l1.inbox(),
              "--batcher-key-file",
              batcherKey.toString(),
              "--batch-min-blocks",
              "1",
              "--batch-max-bytes",
              "1000");
      KeyPair alice = KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(0).privateKeyHex());
      List<String> sent = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        NodeProcess node = start(args);
        for (int i = 0; i < 40; i++) { // blocks of a few to tens: many go in parts
          sent.add(send(node, alice, sent.size(), random));
        }
        Thread.sleep(500 + random.nextInt(2_500));
        node.kill();
      }

      // a last run, stopped once both roles caught up with the head
      NodeProcess node = start(args);
      sent.add(send(node, alice, sent.size(), random));
      PostedOutputs oracle = new PostedOutputs(anvil.web3j(), l1.oracle());
      PostedBatches inbox = new PostedBatches(anvil.web3j(), l1.inbox(), 0);
      long target = node.head() + 1;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // liveness guard
      while (System.nanoTime() < deadline
          && (oracle.latest().map(PostedOutputs.Output::l2BlockNumber).orElse(0L) < target
              || inbox.lastL2Block(0).orElse(0L) < target)) {
        Thread.sleep(200);
      }
      List<BatchFrame.Block> derived = InboxBlocks.of(inbox);
      assertThat(inbox.all())
          .as("some blocks went in parts")
          .anySatisfy(p -> assertThat(p.header().parts()).isGreaterThan(1));
      long last = derived.getLast().number();
      assertThat(last).isGreaterThanOrEqualTo(target);
      assertThat(derived)
          .extracting(BatchFrame.Block::number)
          .as("every L2 block once, in order")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
      List<String> posted = new ArrayList<>();
      for (BatchFrame.Block d : derived) {
        JsonNode b = node.block(d.number());
        assertThat(d.timestamp()).isEqualTo(Long.decode(b.get("timestamp").asText()));
        List<String> hashes = new ArrayList<>();
        b.get("transactions").forEach(h -> hashes.add(h.asText()));
        assertThat(d.transactions().stream().map(t -> Hash.keccak256(t).toHex()).toList())
            .as("transactions of block %d", d.number())
            .isEqualTo(hashes);
        posted.addAll(hashes);
      }
      assertThat(posted).as("every acknowledged transfer reached L1 once").containsAll(sent);
      assertThat(posted).doesNotHaveDuplicates();
      long outputs = oracle.nextOutputIndex();
      assertThat(outputs).isGreaterThanOrEqualTo(target / INTERVAL);
      for (long i = 0; i < outputs; i++) {
        PostedOutputs.Output o = oracle.get(i);
        assertThat(o.l2BlockNumber()).as("output %d", i).isEqualTo((i + 1) * INTERVAL);
        assertThat(o.outputRoot()).isEqualTo(node.outputRoot(o.l2BlockNumber()));
      }
      node.stop();
    }
  }

  private NodeProcess start(List<String> args) throws Exception {
    return NodeProcess.start(
        work.resolve("data"), work.resolve("node.log"), 200, 0, NodeProcess.CHAIN_ONLY_JVM, args);
  }

  private static L1Sender sender(Anvil anvil, int i) {
    return new L1Sender(
        anvil.web3j(), Credentials.create(DevAccounts.ALL.get(i).privateKeyHex()), Anvil.CHAIN_ID);
  }

  /** Sends a transfer; returns its hash. */
  private static String send(NodeProcess node, KeyPair from, long nonce, SplittableRandom random)
      throws Exception {
    byte[] to = new byte[20];
    random.nextBytes(to);
    var tx =
        TransactionBuilder.eip1559(Genesis.DEVNET_CHAIN_ID)
            .nonce(nonce)
            .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
            .maxFeePerGas(Amount.of(100_000_000_000L))
            .gasLimit(21_000)
            .to(Address.wrap(to))
            .value(Amount.of(1 + random.nextInt(1_000_000)))
            .sign(from);
    return node.call("eth_sendRawTransaction", "[\"" + Bytes.toHex(tx.encode()) + "\"]").asText();
  }
}
