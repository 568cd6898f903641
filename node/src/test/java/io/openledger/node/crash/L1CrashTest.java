package io.openledger.node.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.bridge.Deposit;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.Supply;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.l1.Anvil;
import io.openledger.l1.BatchFrame;
import io.openledger.l1.L1Abi;
import io.openledger.l1.L1Blocks;
import io.openledger.l1.L1Deployment;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PortalDeposits;
import io.openledger.l1.PostedBatches;
import io.openledger.l1.PostedOutputs;
import io.openledger.node.cli.OpenLedgerCommand;
import io.openledger.node.rpc.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
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
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The L1 node itself crashes: anvil runs with a state file dumped every two seconds ({@code --state
 * FILE --state-interval 2}) and is killed with SIGKILL at random moments, then restarted from that
 * file on the same port. It comes back without its newest blocks, as after an L1 reorganisation:
 * batches, outputs and deposits mined in them are gone. Meanwhile the real node process runs the
 * batcher, the proposer and the deposit watcher with {@code --l1-confirmations 5} while transfers
 * go to the L2 and deposits to L1. In the end, in L1's canonical chain: the inbox holds every L2
 * block exactly once and in order, with its transactions; every output the oracle holds is the
 * node's root; every deposit L1 holds is credited exactly once on the L2 and no other; OPEN on L1
 * plus OPEN on the L2 is the genesis supply.
 */
@Tag("slow")
class L1CrashTest {
  private static final int INTERVAL = 2;
  private static final int CONFIRMATIONS = 5;

  @TempDir Path work;
  private Anvil anvil;
  private Anvil.Settings settings;
  private final Path nodeModules =
      Path.of(System.getProperty("l1.nodeModules", "../l1/node_modules"));

  @Test
  void killedL1NodeLosesNoBlockPostsNothingTwiceAndCreditsEachDepositOnce() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    settings = new Anvil.Settings(NodeProcess.freePort(), 1, work.resolve("anvil.json"), 2);
    anvil = Anvil.start(nodeModules, settings);
    Web3j l1 = Web3j.build(new HttpService(anvil.rpcUrl())); // outlives each anvil process
    NodeProcess node = null;
    try {
      long startBlock = L1Blocks.latest(l1) + 1;
      L1Sender deployer = sender(l1, 0);
      L1Deployment d =
          L1Deployment.deploy(
              deployer,
              new L1Deployment.Config(
                  Address.fromHex(sender(l1, 1).address()),
                  Address.fromHex(deployer.address()),
                  Address.fromHex(sender(l1, 2).address()),
                  1,
                  BridgeModule.ADDRESS));
      Path proposerKey = key(1);
      Path batcherKey = key(2);
      Path userKey = key(3);
      node =
          NodeProcess.start(
              work.resolve("data"),
              work.resolve("node.log"),
              500,
              0,
              NodeProcess.CHAIN_ONLY_JVM,
              List.of(
                  "--l1-rpc",
                  anvil.rpcUrl(),
                  "--l1-confirmations",
                  Integer.toString(CONFIRMATIONS),
                  "--l1-start-block",
                  Long.toString(startBlock),
                  "--l1-portal",
                  d.portal(),
                  "--l1-oracle",
                  d.oracle(),
                  "--proposer-key-file",
                  proposerKey.toString(),
                  "--output-interval",
                  Integer.toString(INTERVAL),
                  "--l1-inbox",
                  d.inbox(),
                  "--batcher-key-file",
                  batcherKey.toString(),
                  "--batch-min-blocks",
                  "1"));

      // OPEN for deposits: 1,000 withdrawn on the L2, proven and finalized on L1 (no crash yet)
      withdrawToL1(node, d, userKey);
      Thread.sleep(3_000); // in anvil's state file before the first crash

      KeyPair alice = KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(0).privateKeyHex());
      L1Sender user = sender(l1, 3);
      long aliceNonce = 0;
      int depositsSent = 0;
      int restartsThatLostBlocks = 0;
      for (int round = 0; round < 5; round++) {
        long until = System.nanoTime() + Duration.ofMillis(1_500 + random.nextInt(4_000)).toNanos();
        while (System.nanoTime() < until) {
          send(node, alice, aliceNonce++, random);
          if (random.nextInt(3) == 0) {
            try {
              user.submit(d.portal(), L1Abi.deposit(randomAddress(random), randomAmount(random)));
              depositsSent++;
            } catch (RuntimeException l1Down) {
              // the deposit is simply not made
            }
          }
          Thread.sleep(random.nextInt(400));
        }
        long headBefore = L1Blocks.latest(l1);
        var hashBefore = L1Blocks.hash(l1, headBefore);
        anvil.kill();
        Thread.sleep(random.nextInt(2_000)); // L1 down: the roles retry
        anvil = Anvil.start(nodeModules, settings);
        if (!L1Blocks.hash(l1, headBefore).equals(hashBefore)) {
          restartsThatLostBlocks++; // that block is gone or another one took its place
        }
      }
      assertThat(depositsSent).as("deposits were sent during the crashes").isPositive();
      assertThat(restartsThatLostBlocks).as("L1 came back without its newest blocks").isPositive();

      // a last deposit and transfer, then wait for L1 and the L2 to agree
      user.send(d.portal(), L1Abi.deposit(randomAddress(random), randomAmount(random)));
      send(node, alice, aliceNonce, random);
      PortalDeposits portal = new PortalDeposits(l1, d.portal(), startBlock, 0);
      PostedBatches inbox = new PostedBatches(l1, d.inbox(), startBlock);
      PostedOutputs oracle = new PostedOutputs(l1, d.oracle());
      long target = node.head() + 1;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos(); // liveness guard
      while (System.nanoTime() < deadline
          && (oracle.latest().map(PostedOutputs.Output::l2BlockNumber).orElse(0L) < target
              || inbox.lastL2Block(startBlock).orElse(0L) < target
              || l2Uint(node, BridgeModule.DEPOSIT_NONCE)
                      .compareTo(portalUint(user, d.portal(), "depositNonce"))
                  < 0)) {
        Thread.sleep(250);
      }

      // the inbox: every L2 block once, in order, with the node's transactions
      List<BatchFrame.Block> derived = new ArrayList<>();
      for (PostedBatches.Posted p : inbox.all()) {
        derived.addAll(p.frame().blocks());
      }
      long last = derived.getLast().number();
      assertThat(last).isGreaterThanOrEqualTo(target);
      assertThat(derived)
          .extracting(BatchFrame.Block::number)
          .as("every L2 block once, in order")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
      for (BatchFrame.Block b : derived) {
        JsonNode block = node.block(b.number());
        List<String> hashes = new ArrayList<>();
        block.get("transactions").forEach(h -> hashes.add(h.asText()));
        assertThat(b.transactions().stream().map(t -> Hash.keccak256(t).toHex()).toList())
            .as("transactions of block %d", b.number())
            .isEqualTo(hashes);
      }

      // the oracle: outputs of blocks 2, 4, ..., each the node's root
      long outputs = oracle.nextOutputIndex();
      assertThat(outputs).isGreaterThanOrEqualTo(target / INTERVAL);
      for (long i = 0; i < outputs; i++) {
        PostedOutputs.Output o = oracle.get(i);
        assertThat(o.l2BlockNumber()).as("output %d", i).isEqualTo((i + 1) * INTERVAL);
        assertThat(o.outputRoot()).isEqualTo(node.outputRoot(o.l2BlockNumber()));
      }

      // deposits: exactly L1's, each credited once, in nonce order
      List<Deposit> onL1 =
          portal.depositsIn(startBlock, L1Blocks.latest(l1)).stream()
              .map(PortalDeposits.L1Deposit::deposit)
              .toList();
      assertThat(onL1).extracting(Deposit::nonce).doesNotHaveDuplicates();
      assertThat(creditedOnL2(node)).as("the L2 credits L1's deposits, each once").isEqualTo(onL1);

      // supply: with every withdrawal finalized and every deposit credited, L1 + L2 = genesis
      node.stop();
      node = null;
      try (Ledger ledger =
          Ledger.open(work.resolve("data"), Genesis.devnet(), LedgerConfig.onDemand())) {
        StateReader s = ledger.state().state(BlockRef.LATEST).orElseThrow();
        Supply supply = s.supply();
        BigInteger onL2 = supply.balances().add(supply.locked()).add(supply.burned()).value();
        BigInteger l1Supply = portalUint(user, d.token(), "totalSupply");
        assertThat(BridgeModule.totalWithdrawn(s).value())
            .isEqualTo(portalUint(user, d.portal(), "totalWithdrawn"));
        assertThat(BridgeModule.totalDeposited(s).value())
            .isEqualTo(portalUint(user, d.portal(), "totalDeposited"));
        assertThat(onL2.add(l1Supply)).isEqualTo(Supply.TOTAL.value());
        assertThat(BridgeModule.audit(s)).isEmpty();
      }
    } finally {
      if (node != null) {
        System.out.println(node.logTail());
        node.close();
      }
      l1.shutdown();
      anvil.close();
    }
  }

  /** Withdraws 1,000 OPEN of dev account 3 through the CLI: withdraw, prove, finalize. */
  private void withdrawToL1(NodeProcess node, L1Deployment d, Path key) throws Exception {
    String l2 = node.uri.toString();
    JsonNode w =
        Json.MAPPER.readTree(
            cli(
                "bridge",
                "withdraw",
                "1000",
                "--private-key-file",
                key.toString(),
                "--rpc",
                l2,
                "--json"));
    String hash = w.get("withdrawalHash").asText();
    List<String> l1Args =
        List.of("--rpc", l2, "--l1-rpc", anvil.rpcUrl(), "--l1-portal", d.portal());
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos(); // liveness guard
    while (!status(hash, l1Args).equals("provable")) {
      assertThat(System.nanoTime()).as("the withdrawal's output is posted").isLessThan(deadline);
      Thread.sleep(250);
    }
    cli(args("prove", hash, key, l1Args));
    Thread.sleep(2_500); // the 1-second challenge period, in L1 time
    cli(args("finalize", hash, key, l1Args));
    assertThat(status(hash, l1Args)).isEqualTo("finalized");
  }

  private static String[] args(String sub, String hash, Path key, List<String> l1Args) {
    List<String> a =
        new ArrayList<>(List.of("bridge", sub, hash, "--private-key-file", key.toString()));
    a.addAll(l1Args);
    return a.toArray(String[]::new);
  }

  private static String status(String hash, List<String> l1Args) throws Exception {
    List<String> a = new ArrayList<>(List.of("bridge", "status", hash, "--json"));
    a.addAll(l1Args);
    return Json.MAPPER.readTree(cli(a.toArray(String[]::new))).get("status").asText();
  }

  /** Runs the CLI in this JVM; its output, or a failure with its error output. */
  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    assertThat(exit).as("openledger %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  private Path key(int i) throws Exception {
    return Files.writeString(
        work.resolve("dev" + i + ".key"), DevAccounts.ALL.get(i).privateKeyHex());
  }

  private static L1Sender sender(Web3j l1, int i) {
    return new L1Sender(
        l1, Credentials.create(DevAccounts.ALL.get(i).privateKeyHex()), Anvil.CHAIN_ID);
  }

  private static Address randomAddress(SplittableRandom random) {
    byte[] a = new byte[20];
    random.nextBytes(a);
    return Address.wrap(a);
  }

  /** Up to 10 OPEN, in base units, never zero. */
  private static Amount randomAmount(SplittableRandom random) {
    return Amount.of(
        BigInteger.valueOf(1 + random.nextLong(10_000_000_000_000_000L))
            .multiply(BigInteger.valueOf(1_000)));
  }

  private static void send(NodeProcess node, KeyPair from, long nonce, SplittableRandom random)
      throws Exception {
    var tx =
        TransactionBuilder.eip1559(Genesis.DEVNET_CHAIN_ID)
            .nonce(nonce)
            .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
            .maxFeePerGas(Amount.of(100_000_000_000L))
            .gasLimit(21_000)
            .to(randomAddress(random))
            .value(Amount.of(1 + random.nextInt(1_000_000)))
            .sign(from);
    node.call("eth_sendRawTransaction", "[\"" + Bytes.toHex(tx.encode()) + "\"]");
  }

  private static BigInteger portalUint(L1Sender caller, String contract, String function) {
    Function f = new Function(function, List.of(), List.of(new TypeReference<Uint256>() {}));
    return (BigInteger)
        FunctionReturnDecoder.decode(
                caller.call(contract, FunctionEncoder.encode(f)), f.getOutputParameters())
            .getFirst()
            .getValue();
  }

  private static BigInteger l2Uint(NodeProcess node, io.openledger.chain.module.AbiFunction f)
      throws Exception {
    String call =
        "[{\"to\":\""
            + BridgeModule.ADDRESS.toHex()
            + "\",\"input\":\""
            + Bytes.toHex(f.encodeCall())
            + "\"},\"latest\"]";
    return new BigInteger(node.call("eth_call", call).asText().substring(2), 16);
  }

  /** The deposits the L2 credited, from its DepositFinalized logs, in log order. */
  private static List<Deposit> creditedOnL2(NodeProcess node) throws Exception {
    JsonNode logs =
        node.call(
            "eth_getLogs",
            "[{\"fromBlock\":\"0x0\",\"toBlock\":\"latest\",\"address\":\""
                + BridgeModule.ADDRESS.toHex()
                + "\",\"topics\":[\""
                + BridgeModule.DEPOSIT_FINALIZED.topic().toHex()
                + "\"]}]");
    List<Deposit> out = new ArrayList<>();
    for (JsonNode log : logs) {
      List<String> t = new ArrayList<>();
      log.get("topics").forEach(x -> t.add(x.asText()));
      out.add(
          new Deposit(
              new BigInteger(t.get(1).substring(2), 16).longValueExact(),
              Address.fromHex("0x" + t.get(2).substring(26)),
              Address.fromHex("0x" + t.get(3).substring(26)),
              Amount.of(new BigInteger(log.get("data").asText().substring(2), 16))));
    }
    return out;
  }
}
