package io.openledger.node.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.state.StateRetention;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.l1.Anvil;
import io.openledger.l1.L1Abi;
import io.openledger.l1.L1Deployment;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PortalDeposits;
import io.openledger.l1.PostedOutputs;
import io.openledger.node.cli.OpenLedgerCommand;
import io.openledger.node.devnet.NodeRunner;
import io.openledger.node.rpc.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;

/**
 * {@code openledger bridge deploy|withdraw|status|prove|finalize|deposit} through the real CLI
 * against a real node and anvil: the L1 contracts deployed, the withdrawal waits for an output, is
 * proven against it, cannot finalize before the challenge period, finalizes after it (OPEN on L1),
 * cannot finalize twice; the OPEN deposited back is credited on the L2.
 */
class BridgeCliEndToEndTest {
  private static final long CHALLENGE_PERIOD = 3600;

  @TempDir Path dir;
  private Anvil anvil;
  private L1Deployment l1;
  private L1DepositWatcher watcher;
  private NodeRunner node;
  private OutputProposer proposer;
  private Path key;

  @BeforeEach
  void start() throws Exception {
    anvil = Anvil.start(Path.of(System.getProperty("l1.nodeModules", "../l1/node_modules")));
    Path deployerKey =
        Files.writeString(dir.resolve("dev0.key"), DevAccounts.ALL.get(0).privateKeyHex());
    Run deployed =
        run(
            "bridge",
            "deploy",
            "--l1-rpc",
            anvil.rpcUrl(),
            "--private-key-file",
            deployerKey.toString(),
            "--proposer",
            l1Sender(1).address(),
            "--challenger",
            l1Sender(0).address(),
            "--batcher",
            l1Sender(2).address(),
            "--challenge-period",
            Long.toString(CHALLENGE_PERIOD),
            "--json");
    assertThat(deployed.exit()).as(deployed.err()).isZero();
    JsonNode d = deployed.json();
    l1 =
        new L1Deployment(
            d.get("oracle").asText(),
            d.get("portal").asText(),
            d.get("token").asText(),
            d.get("inbox").asText());
    // a fresh anvil: dev key 0's first three contracts, as docs/settlement.md shows them
    assertThat(l1.oracle()).isEqualToIgnoringCase("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    assertThat(l1.portal()).isEqualToIgnoringCase("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    assertThat(l1.inbox()).isEqualToIgnoringCase("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");
    assertThat(new PostedOutputs(anvil.web3j(), l1.oracle()).finalizationPeriodSeconds())
        .isEqualTo(CHALLENGE_PERIOD);
    watcher =
        new L1DepositWatcher(
            new PortalDeposits(anvil.web3j(), l1.portal(), 0, 0), Duration.ofMillis(100));
    Genesis g = Genesis.devnet().withTimestamp(Instant.now().getEpochSecond() - 300);
    LedgerConfig config =
        LedgerConfig.DEFAULT
            .withSyncWrites(false)
            .withSequencer(
                SequencerConfig.DEFAULT
                    .withProduction(SequencerConfig.Production.WHEN_PENDING)
                    .withBlockInterval(Duration.ofMillis(200)))
            .withStateRetention(StateRetention.ARCHIVE)
            .withDeposits(watcher);
    node =
        NodeRunner.start(
            new NodeRunner.Options(dir.resolve("chain"), ChainSpec.from(g), config, "127.0.0.1", 0),
            InstantSource.system());
    proposer =
        new OutputProposer(
            node.ledger().chain(),
            node.ledger().state(),
            l1Sender(1),
            new PostedOutputs(anvil.web3j(), l1.oracle()),
            1);
    key = Files.writeString(dir.resolve("dev3.key"), DevAccounts.ALL.get(3).privateKeyHex());
  }

  @AfterEach
  void stop() {
    node.close();
    watcher.close();
    anvil.close();
  }

  private L1Sender l1Sender(int i) {
    return new L1Sender(
        anvil.web3j(), Credentials.create(DevAccounts.ALL.get(i).privateKeyHex()), Anvil.CHAIN_ID);
  }

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return Json.MAPPER.readTree(out);
    }
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** {@code bridge SUB ARGS} with the L2 node, and with the L1 node and Portal unless deposit. */
  private Run bridge(String sub, String... args) {
    List<String> all = new ArrayList<>(List.of("bridge", sub));
    all.addAll(List.of(args));
    if (!sub.equals("deposit")) {
      all.addAll(List.of("--rpc", node.rpc().httpUrl()));
    }
    if (!sub.equals("withdraw")) {
      all.addAll(List.of("--l1-rpc", anvil.rpcUrl(), "--l1-portal", l1.portal()));
    }
    return run(all.toArray(String[]::new));
  }

  private BigInteger l1Balance(Address a) {
    Function f =
        new Function(
            "balanceOf",
            List.of(new org.web3j.abi.datatypes.Address(a.toHex())),
            List.of(new TypeReference<Uint256>() {}));
    return (BigInteger)
        FunctionReturnDecoder.decode(
                l1Sender(0).call(l1.token(), FunctionEncoder.encode(f)), f.getOutputParameters())
            .getFirst()
            .getValue();
  }

  @Test
  void withdrawProveFinalizeAndDepositBackThroughTheCli() throws Exception {
    Address me = DevAccounts.ALL.get(3).address();
    Address bob = Address.fromHex("0x000000000000000000000000000000000000b0b0");

    // withdraw 5 OPEN on the L2
    Run withdrawn = bridge("withdraw", "5", "--private-key-file", key.toString(), "--json");
    assertThat(withdrawn.exit()).as(withdrawn.err()).isZero();
    String hash = withdrawn.json().get("withdrawalHash").asText();
    long block = withdrawn.json().get("l2Block").asLong();
    assertThat(withdrawn.json().get("target").asText()).isEqualTo(me.toHex());

    // no output covers it yet
    Run waiting = bridge("status", hash);
    assertThat(waiting.exit()).as(waiting.err()).isZero();
    assertThat(waiting.out()).contains("waiting for output");
    Run early = bridge("prove", hash, "--private-key-file", key.toString());
    assertThat(early.exit()).isEqualTo(1);
    assertThat(early.err())
        .contains("not yet provable: the next output must cover L2 block " + block)
        .contains("no output posted yet");

    // the proposer posts; prove
    proposer.proposeDue();
    Run provable = bridge("status", hash, "--json");
    assertThat(provable.json().get("status").asText()).isEqualTo("provable");
    Run proved = bridge("prove", hash, "--private-key-file", key.toString());
    assertThat(proved.exit()).as(proved.err()).isZero();
    assertThat(proved.out()).contains("Proved withdrawal " + hash).contains("finalizable at");
    Run again = bridge("prove", hash, "--private-key-file", key.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("is proven");

    // not before the challenge period
    Run proven = bridge("status", hash, "--json");
    assertThat(proven.json().get("status").asText()).isEqualTo("proven");
    assertThat(proven.json().get("finalizable").asBoolean()).isFalse();
    long at = proven.json().get("finalizableAt").asLong();
    Run tooEarly = bridge("finalize", hash, "--private-key-file", key.toString());
    assertThat(tooEarly.exit()).isEqualTo(1);
    assertThat(tooEarly.err())
        .contains("challenge period not over")
        .contains(Instant.ofEpochSecond(at).toString());
    assertThat(l1Balance(me)).isZero();

    // after it: finalized, once
    anvil.advanceTime(CHALLENGE_PERIOD);
    Run finalized = bridge("finalize", hash, "--private-key-file", key.toString());
    assertThat(finalized.exit()).as(finalized.err()).isZero();
    assertThat(finalized.out()).contains("5 OPEN minted to " + me);
    assertThat(l1Balance(me)).isEqualTo(Amount.open(5).value());
    assertThat(bridge("status", hash).out()).contains("finalized");
    Run twice = bridge("finalize", hash, "--private-key-file", key.toString());
    assertThat(twice.exit()).isEqualTo(1);
    assertThat(twice.err()).contains("is finalized");
    assertThat(l1Balance(me)).isEqualTo(Amount.open(5).value());

    // deposit 2 back to bob on the L2
    Run deposited =
        bridge("deposit", "2", "--to", bob.toHex(), "--private-key-file", key.toString(), "--json");
    assertThat(deposited.exit()).as(deposited.err()).isZero();
    assertThat(deposited.json().get("nonce").asLong()).isZero();
    assertThat(l1Balance(me)).isEqualTo(Amount.open(3).value());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // liveness guard
    while (node.ledger().state().balance(bob, BlockRef.LATEST).orElseThrow().isZero()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(node.ledger().state().balance(bob, BlockRef.LATEST).orElseThrow())
        .isEqualTo(Amount.open(2));

    Run unknown =
        bridge("status", "0x1111111111111111111111111111111111111111111111111111111111111111");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("has no withdrawal 0x1111");
  }

  @Test
  void aDeletedOutputSendsTheWithdrawalBackToWaitingAndARepostRestartsTheClock() throws Exception {
    Run withdrawn = bridge("withdraw", "1", "--private-key-file", key.toString(), "--json");
    String hash = withdrawn.json().get("withdrawalHash").asText();
    proposer.proposeDue();
    assertThat(bridge("prove", hash, "--private-key-file", key.toString()).exit()).isZero();
    long before = bridge("status", hash, "--json").json().get("finalizableAt").asLong();

    // the challenger deletes every output: nothing to finalize against
    l1Sender(0).send(l1.oracle(), L1Abi.deleteL2Outputs(0));
    Run deleted = bridge("status", hash, "--json");
    assertThat(deleted.json().get("status").asText()).isEqualTo("waiting for output");
    Run refused = bridge("finalize", hash, "--private-key-file", key.toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("is waiting for output");

    // the proposer posts the same roots again: the proof stands, the output's period starts over
    anvil.advanceTime(600);
    proposer.proposeDue();
    Run reposted = bridge("status", hash, "--json");
    assertThat(reposted.json().get("status").asText()).isEqualTo("proven");
    assertThat(reposted.json().get("finalizableAt").asLong()).isGreaterThanOrEqualTo(before + 600);
    anvil.advanceTime(CHALLENGE_PERIOD);
    assertThat(bridge("finalize", hash, "--private-key-file", key.toString()).exit()).isZero();
    assertThat(l1Balance(DevAccounts.ALL.get(3).address())).isEqualTo(Amount.open(1).value());
  }
}
