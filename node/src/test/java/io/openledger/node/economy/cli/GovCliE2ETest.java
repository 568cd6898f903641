package io.openledger.node.economy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.governance.ParameterRegistryModule;
import io.openledger.chain.governance.ParameterSpec;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.economy.cli.EconomyCliE2ETest.Run;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Governance through the real CLI against a real devnet node (voting delay 2 s, period 20 s,
 * timelock 5 s; the node makes a block a chain second when asked): lock, delegate, propose a
 * smaller {@code maxSubmissionBytes}, vote, queue, execute; the datanet module takes a 5,000-byte
 * contribution before the execution and refuses one after. Bad input is refused by name before
 * anything is sent.
 */
class GovCliE2ETest {
  @TempDir Path dir;

  private String rpc;

  @Test
  void lockDelegateProposeVoteQueueExecuteAndTheParameterIsObeyed() throws Exception {
    try (EconomyNode node = EconomyNode.start(dir)) {
      rpc = node.rpcUrl();
      Path alice = key(2);
      Path nobody = key(3);
      cli("gov", "lock", "--amount", "20000", "--private-key-file", alice.toString()).ok();
      cli("gov", "delegate", "--to", "self", "--private-key-file", alice.toString()).ok();
      node.awaitChainTime(chainTime(node) + 1);

      cli(
              "gov",
              "propose",
              "--set-parameter",
              "nosuch=1",
              "--description",
              "x",
              "--private-key-file",
              alice.toString())
          .fails("--set-parameter nosuch=1: unknown parameter \"nosuch\"");
      cli(
              "gov",
              "propose",
              "--set-parameter",
              "platformBps=20000",
              "--description",
              "x",
              "--private-key-file",
              alice.toString())
          .fails(
              "--set-parameter platformBps=20000: platformBps = 20000 is out of bounds [0, 10000]");
      cli(
              "gov",
              "propose",
              "--upgrade-gas-table",
              "7@1000",
              "--description",
              "x",
              "--private-key-file",
              alice.toString())
          .fails("--upgrade-gas-table 7@1000: unknown gas table version 7 (known: 1, 2)");
      cli(
              "gov",
              "propose",
              "--set-parameter",
              "maxSubmissionBytes=1000",
              "--description",
              "x",
              "--private-key-file",
              nobody.toString())
          .fails("has 0 votes, under the proposal threshold of 10000");

      // a datanet takes a 5,000-byte contribution under the genesis limit
      long datanet = createDatanet(node);
      assertThat(contribute(node, datanet, "before", 5_000).success()).isTrue();

      JsonNode proposed =
          cli(
                  "gov",
                  "propose",
                  // actions run in command-line order, whatever their kind
                  "--upgrade-gas-table",
                  "2@1000000",
                  "--set-parameter",
                  "maxSubmissionBytes=1000",
                  "--description",
                  "smaller submissions",
                  "--private-key-file",
                  alice.toString(),
                  "--json")
              .ok()
              .json();
      String id = proposed.get("proposalId").asText();
      node.awaitChainTime(proposed.get("voteStart").asLong());
      Run voted =
          cli(
                  "gov",
                  "vote",
                  "--id",
                  id,
                  "--support",
                  "for",
                  "--reason",
                  "spam is cheaper to refuse",
                  "--private-key-file",
                  alice.toString())
              .ok();
      assertThat(voted.out()).contains("with 20000 OPEN");
      cli("gov", "vote", "--id", id, "--support", "maybe", "--private-key-file", alice.toString())
          .fails("--support must be for, against or abstain, got \"maybe\"");

      JsonNode shown = cli("gov", "show", "--id", id, "--json").ok().json();
      assertThat(shown.get("state").asText()).isEqualTo("ACTIVE");
      assertThat(shown.get("for").asText()).isEqualTo(Amount.open(20_000).value().toString());
      assertThat(shown.get("actions").get(0).asText())
          .isEqualTo("upgrade to gas table 2 at block 1000000");
      assertThat(shown.get("actions").get(1).asText())
          .isEqualTo("set parameter maxSubmissionBytes = 1000");
      assertThat(shown.get("description").asText()).isEqualTo("smaller submissions");

      node.awaitChainTime(proposed.get("voteEnd").asLong());
      Run queued =
          cli("gov", "queue", "--id", id, "--private-key-file", nobody.toString(), "--json").ok();
      long eta = queued.json().get("eta").asLong();
      assertThat(contribute(node, datanet, "still before", 5_000).success()).isTrue();
      node.awaitChainTime(eta);
      cli("gov", "execute", "--id", id, "--private-key-file", nobody.toString()).ok();

      JsonNode listed = cli("gov", "list", "--json").ok().json();
      assertThat(listed).hasSize(1);
      assertThat(listed.get(0).get("state").asText()).isEqualTo("EXECUTED");
      Run text = cli("gov", "show", "--id", id).ok();
      assertThat(text.out())
          .contains("state       EXECUTED")
          .contains("set parameter maxSubmissionBytes = 1000");

      // the limit in force is the new one and the datanet module obeys it
      JsonNode p =
          node.rpc(
              "eth_call",
              java.util.Map.of(
                  "to",
                  ParameterRegistryModule.ADDRESS.toHex(),
                  "input",
                  io.openledger.chain.types.Bytes.toHex(
                      ParameterRegistryModule.PARAMETER.encodeCall(
                          (Object) ParameterSpec.key("maxSubmissionBytes")))),
              "latest");
      assertThat(new BigInteger(p.asText().substring(2, 66), 16))
          .isEqualTo(BigInteger.valueOf(1_000));
      assertThat(contribute(node, datanet, "after", 5_000).success()).isFalse();
      assertThat(contribute(node, datanet, "small", 900).success()).isTrue();
    }
  }

  private long createDatanet(EconomyNode node) throws Exception {
    node.ok(
        EconomyNode.dev(5),
        DatanetModule.ADDRESS,
        DatanetModule.CREATE_DATANET.encodeCall(
            "governed",
            "about it",
            List.of("t"),
            BigInteger.ZERO,
            BigInteger.valueOf(3),
            "be nice"));
    return DatanetModule.datanetCount(node.state());
  }

  private EconomyNode.Mined contribute(EconomyNode node, long datanet, String blob, long size)
      throws Exception {
    Hash h = Hash.keccak256(blob.getBytes(StandardCharsets.UTF_8));
    return node.send(
        EconomyNode.dev(6),
        DatanetModule.ADDRESS,
        DatanetModule.CONTRIBUTE.encodeCall(
            BigInteger.valueOf(datanet), h.toArray(), BigInteger.valueOf(size), h.toArray()),
        bond(node));
  }

  private static Amount bond(EconomyNode node) {
    return node.economy().contributionBond();
  }

  private static long chainTime(EconomyNode node) {
    return node.ledger()
        .chain()
        .block(io.openledger.chain.ledger.BlockRef.LATEST)
        .orElseThrow()
        .timestamp();
  }

  private Path key(int i) throws Exception {
    Path f = dir.resolve("dev" + i + ".key");
    Files.writeString(f, DevAccounts.ALL.get(i).privateKeyHex());
    return f;
  }

  private Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--rpc");
    all.add(rpc);
    return EconomyCliE2ETest.run(all.toArray(String[]::new));
  }
}
