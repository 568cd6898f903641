package io.openledger.node.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import io.openledger.l1.Anvil;
import io.openledger.l1.L1Abi;
import io.openledger.l1.L1Deployment;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PostedBatches;
import io.openledger.node.bridge.L1Batcher;
import io.openledger.node.cli.OpenLedgerCommand;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import picocli.CommandLine;

/** {@code openledger node --follow-l1}: its options, and a halt that ends it with exit code 3. */
class FollowerCommandTest {
  private static final String A = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  @TempDir Path dir;
  private Path devnetGenesis; // timestamp 0, as the devnet's
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void genesisFile() throws Exception {
    devnetGenesis = dir.resolve("devnet.json");
    try (InputStream in = Genesis.class.getResourceAsStream("/genesis/devnet.json")) {
      Files.write(devnetGenesis, in.readAllBytes());
    }
  }

  private int run(String... args) {
    CommandLine cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("node", "--genesis", devnetGenesis.toString()));
    all.addAll(List.of(args));
    return cl.execute(all.toArray(String[]::new));
  }

  @Test
  void missingAndContradictoryOptionsAreRefusedByName() {
    String l1 = "http://127.0.0.1:1";
    assertThat(run("--follow-l1", l1, "--l1-inbox", A, "--genesis-timestamp", "5")).isNotZero();
    assertThat(err.toString())
        .contains(
            "--follow-l1 needs --l1-oracle ADDRESS (the outputs it checks), --l1-portal ADDRESS"
                + " (the deposits it checks)");
    err.getBuffer().setLength(0);
    assertThat(
            run(
                "--follow-l1",
                l1,
                "--l1-inbox",
                A,
                "--l1-oracle",
                A,
                "--l1-portal",
                A,
                "--batcher-key-file",
                "b.key",
                "--l1-rpc",
                l1))
        .isNotZero();
    assertThat(err.toString())
        .contains(
            "a follower takes no sequencer, batcher or proposer options; leave out"
                + " --batcher-key-file, --l1-rpc (--follow-l1 names the L1 node)");
    err.getBuffer().setLength(0);
    assertThat(run("--follow-l1", l1, "--l1-inbox", A, "--l1-oracle", A, "--l1-portal", A))
        .isNotZero();
    assertThat(err.toString())
        .contains("this genesis has timestamp 0")
        .contains("--genesis-timestamp SECONDS");
    err.getBuffer().setLength(0);
    assertThat(run("--genesis-timestamp", "5")).isNotZero();
    assertThat(err.toString()).contains("--genesis-timestamp goes with --follow-l1");
  }

  @Test
  void aWrongOutputOnL1EndsTheFollowerWithExitCode3AndTheReport() {
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
      long genesisTime = System.currentTimeMillis() / 1000 - 100;
      Genesis g = Genesis.devnet().withTimestamp(genesisTime);
      try (Ledger sequencer =
          Ledger.open(
              dir.resolve("sequencer"),
              ChainSpec.from(g),
              LedgerConfig.onDemand().withSyncWrites(false))) {
        sequencer.produceBlock();
        sequencer.produceBlock();
        new L1Batcher(
                sequencer.chain(),
                sender(anvil, 2),
                l1.inbox(),
                new PostedBatches(anvil.web3j(), l1.inbox(), 0),
                1,
                L1Batcher.DEFAULT_MAX_FRAME_BYTES)
            .postDue();
      }
      Hash bogus = Hash.keccak256("bogus".getBytes());
      sender(anvil, 1).send(l1.oracle(), L1Abi.proposeL2Output(bogus, 1));

      int code =
          run(
              "--follow-l1", anvil.rpcUrl(),
              "--l1-inbox", l1.inbox(),
              "--l1-oracle", l1.oracle(),
              "--l1-portal", l1.portal(),
              "--l1-confirmations", "0",
              "--genesis-timestamp", Long.toString(genesisTime),
              "--data-dir", dir.resolve("follower").toString(),
              "--rpc-port", "0");
      assertThat(code).as(err.toString()).isEqualTo(NodeCommand.HALTED);
      assertThat(out.toString()).contains("OpenLedger follower").contains("(read-only)");
      assertThat(err.toString())
          .contains("the follower stopped at block 1")
          .contains("output 0 for L2 block 1")
          .contains("is " + bogus);
    }
  }

  private static L1Sender sender(Anvil anvil, int i) {
    return new L1Sender(
        anvil.web3j(), Credentials.create(DevAccounts.ALL.get(i).privateKeyHex()), Anvil.CHAIN_ID);
  }
}
