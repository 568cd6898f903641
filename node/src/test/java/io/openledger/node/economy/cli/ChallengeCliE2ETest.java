package io.openledger.node.economy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.challenge.Challenge;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.challenge.ChallengeParameters;
import io.openledger.chain.challenge.ChallengeStatus;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.staking.StakingParameters;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.economy.Batcher;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.economy.PaidModelFixture;
import io.openledger.node.economy.cli.EconomyCliE2ETest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Challenges through the real CLI against a real node: two validators register ({@code validator
 * register}), a payer's harmful-output challenge of a batched answer ({@code challenge file --kind
 * harmful}) is voted on ({@code vote}), upheld by the stake-weighted majority once the vote window
 * ends ({@code challenge resolve}); the operator's pool is slashed, the payer refunded, the batch
 * cannot finalize while the vote is open, and the validator who voted with the minority loses its
 * slice. A frivolous wrong-attribution challenge of an honest record is rejected in its own
 * transaction and its bond is lost.
 */
class ChallengeCliE2ETest {
  @TempDir Path dir;

  /** The devnet's staking and challenge parameters (30 s votes, 10 OPEN bonds). */
  private static final EconomyParameters PARAMETERS =
      new EconomyParameters(
          5_000_000,
          10_000_000,
          10_000_000,
          20,
          1_000,
          2_000,
          2_000,
          5_000,
          Amount.ZERO,
          60, // challenge window, s
          120,
          120,
          StakingParameters.DEVNET,
          ChallengeParameters.DEVNET,
          EconomyParameters.DEVNET.contributionBond(),
          EconomyParameters.DEVNET.penaltyThreshold());

  private String rpc;

  @Test
  void harmfulOutputIsUpheldByVoteAndAFrivolousChallengeLosesItsBond() throws Exception {
    try (EconomyNode node =
        EconomyNode.start(dir, new Batcher.Config(10_000, 1_000, false), PARAMETERS)) {
      rpc = node.rpcUrl();
      PaidModelFixture paid = PaidModelFixture.setUp(node, dir, List.of("Once upon a time"));
      String body = PaidModelFixture.completion(paid.model(), "Once upon a time");
      String first = paid.pay(node, body).body().get("receipt_id").asText();
      String second = paid.pay(node, body).body().get("receipt_id").asText();
      node.economy().batcher().flush().orElseThrow();
      awaitBatched(node);
      Address operator = EconomyNode.OPERATOR.address();
      ChallengeParameters p = ChallengeParameters.DEVNET;

      // a frivolous challenge: the honest record's attribution is recomputed and matches
      Path challenger = key(7);
      Amount challengerBefore = node.balance(EconomyNode.dev(7).address());
      Run frivolous =
          cliApi(
                  node,
                  "challenge",
                  "file",
                  "--receipt",
                  first,
                  "--kind",
                  "attribution",
                  "--bond",
                  "10",
                  "--private-key-file",
                  challenger.toString(),
                  "--json")
              .ok();
      JsonNode f = frivolous.json();
      assertThat(f.get("upheld").asBoolean()).isFalse();
      assertThat(f.get("slashed").asText()).isEqualTo("0");
      Challenge rejected = ChallengeModule.challenge(node.state(), 1).orElseThrow();
      assertThat(rejected.status()).isEqualTo(ChallengeStatus.REJECTED);
      assertThat(node.balance(EconomyNode.dev(7).address()))
          .as("the bond is lost (and gas paid)")
          .isLessThan(challengerBefore.subtract(p.minimumBond()));

      // two validators, 2,000 and 1,000 OPEN
      Path v5 = key(5);
      Path v6 = key(6);
      cli("validator", "register", "2000", "--private-key-file", v5.toString()).ok();
      cli("validator", "register", "1000", "--private-key-file", v6.toString()).ok();
      Run bad = cli("validator", "register", "1", "--private-key-file", key(2).toString());
      assertThat(bad.exit()).isEqualTo(1);
      assertThat(bad.err()).contains("challenge: ");

      // the payer's harmful-output challenge of the second answer opens a vote
      Path payer = key(4);
      assertThat(paid.payer()).isEqualTo(EconomyNode.dev(4));
      Amount poolBefore = StakingModule.pool(node.state(), operator).bondedStake();
      Run filed =
          cliApi(
                  node,
                  "challenge",
                  "file",
                  "--receipt",
                  second,
                  "--kind",
                  "harmful",
                  "--reason",
                  "the answer insults the reader",
                  "--bond",
                  "10",
                  "--private-key-file",
                  payer.toString())
              .ok();
      long id = Long.parseLong(filed.out().strip());
      assertThat(id).isEqualTo(2);
      assertThat(filed.err()).contains("validators vote on it");
      Batch batch = InferenceModule.batch(node.state(), operator, 0).orElseThrow();

      cli("vote", Long.toString(id), "--upheld", "--private-key-file", v5.toString()).ok();
      cli("vote", Long.toString(id), "--rejected", "--private-key-file", v6.toString()).ok();
      Run twice = cli("vote", Long.toString(id), "--upheld", "--private-key-file", v5.toString());
      assertThat(twice.exit()).isEqualTo(1);
      assertThat(twice.err()).contains("already voted");

      // the batch waits for the vote even past its window
      Challenge open = ChallengeModule.challenge(node.state(), id).orElseThrow();
      node.awaitChainTime(Math.max(open.deadline(), batch.finalizableAt()));
      Run early =
          cli(
              "batch",
              "finalize",
              "--operator",
              operator.toHex(),
              "--seq",
              "0",
              "--private-key-file",
              v5.toString());
      assertThat(early.exit()).isEqualTo(1);
      assertThat(early.err()).contains("open challenge");

      Amount v6Before =
          ChallengeModule.validator(node.state(), EconomyNode.dev(6).address())
              .orElseThrow()
              .stake();
      cli("challenge", "resolve", Long.toString(id), "--private-key-file", v5.toString()).ok();
      Challenge decided = ChallengeModule.challenge(node.state(), id).orElseThrow();
      assertThat(decided.status()).isEqualTo(ChallengeStatus.UPHELD);
      Amount cut = poolBefore.subtract(StakingModule.pool(node.state(), operator).bondedStake());
      assertThat(cut).isEqualTo(poolBefore.multiply(p.harmfulOutputSlashBps()).divide(10_000));
      assertThat(
              ChallengeModule.validator(node.state(), EconomyNode.dev(6).address())
                  .orElseThrow()
                  .stake())
          .as("the minority validator's slice")
          .isEqualTo(v6Before.subtract(v6Before.multiply(p.validatorPenaltyBps()).divide(10_000)));

      // the whole story, per account: the challenge's events, the operator's slash
      JsonNode shown = cli("challenge", "show", Long.toString(id), "--json").ok().json();
      List<String> events = new ArrayList<>();
      shown.get("events").forEach(e -> events.add(e.get("event").asText()));
      assertThat(events).contains("ChallengeFiled", "Voted", "ChallengeDecided", "SlashPaid");
      JsonNode stake = node.get("/v1/economy/stake/" + operator.toHex()).body();
      List<String> operatorEvents = new ArrayList<>();
      stake.get("events").forEach(e -> operatorEvents.add(e.get("event").asText()));
      assertThat(operatorEvents).contains("Slashed");

      // now the batch finalizes, without the refunded answer's payouts
      cli(
              "batch",
              "finalize",
              "--operator",
              operator.toHex(),
              "--seq",
              "0",
              "--private-key-file",
              v5.toString())
          .ok();
      Batch after = InferenceModule.batch(node.state(), operator, 0).orElseThrow();
      assertThat(after.finalized()).isTrue();
      assertThat(node.auditFailures).isEmpty();
    }
  }

  private static void awaitBatched(EconomyNode node) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (InferenceModule.batch(node.state(), EconomyNode.OPERATOR.address(), 0).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("batch 0 was not posted");
      }
      Thread.sleep(50);
    }
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

  private Run cliApi(EconomyNode node, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--api");
    all.add(node.apiUrl());
    all.add("--rpc");
    all.add(rpc);
    return EconomyCliE2ETest.run(all.toArray(String[]::new));
  }
}
