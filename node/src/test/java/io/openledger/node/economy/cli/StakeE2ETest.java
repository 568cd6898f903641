package io.openledger.node.economy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.economy.PaidModelFixture;
import io.openledger.node.economy.cli.EconomyCliE2ETest.Run;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staking on the real node through its real clients: a paid model whose operator is bonded but
 * under its tier's minimum is answered 503 with the staking module's reason (plain HTTP); a
 * delegation through {@code openledger delegate} lifts the pool over the minimum and the model is
 * served; {@code unbond} drops it under again; {@code GET /v1/economy/stake/{address}} and {@code
 * stake show} show the pool, the position, the unbonding entry and the events; a validator
 * registration under the minimum is refused and sends nothing.
 */
class StakeE2ETest {
  @TempDir Path dir;

  @Test
  void theTierMinimumDecidesServingAndDelegationAndUnbondingMoveIt() throws Exception {
    try (EconomyNode node = EconomyNode.start(dir)) {
      rpc = node.rpcUrl();
      PaidModelFixture paid = PaidModelFixture.setUp(node, dir, List.of("Once upon a time"));
      String body = PaidModelFixture.completion(paid.model(), "Once upon a time");
      String receipt = paid.pay(node, body).body().get("receipt_id").asText();
      Address operator = EconomyNode.OPERATOR.address();

      // the owner raises the model to the standard tier: 1,000 OPEN bonded is under its 10,000
      node.ok(
          EconomyNode.dev(3),
          StakingModule.ADDRESS,
          StakingModule.SET_TIER.encodeCall(BigInteger.valueOf(paid.modelId()), BigInteger.ONE));
      String under =
          "operator "
              + operator
              + " has 1000 OPEN bonded, under the 10000 OPEN its standard models need";
      EconomyNode.Answer refused = payRaw(node, paid, body);
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.raw().headers().firstValue("Retry-After")).contains("30");
      assertThat(refused.body().get("error").get("message").asText()).contains(under);

      // a delegator makes up the difference
      Path dev5 = key(5);
      Address delegator = EconomyNode.dev(5).address();
      Run d =
          cli("delegate", "9000", "--to", operator.toHex(), "--private-key-file", dev5.toString());
      assertThat(d.exit()).as(d.err()).isZero();
      assertThat(d.out())
          .contains("Delegated 9000 OPEN in the pool of " + operator + " (flexible)");
      paid.pay(node, body);

      JsonNode mine = node.get("/v1/economy/stake/" + delegator.toHex()).body();
      assertThat(mine.get("positions")).hasSize(1);
      assertThat(mine.get("positions").get(0).get("operator").asText()).isEqualTo(operator.toHex());
      // about 9,000 OPEN: the mint rounds down by at most a share's value, finalized batches
      // pay the stakers' share into the pool
      assertThat(new BigInteger(mine.get("positions").get(0).get("value").asText()))
          .isBetween(Amount.open(8_999).value(), Amount.open(9_001).value());
      assertThat(events(mine)).contains("Staked");
      JsonNode pool = node.get("/v1/economy/stake/" + operator.toHex()).body().get("pool");
      assertThat(new BigInteger(pool.get("bonded").asText()))
          .isGreaterThanOrEqualTo(Amount.open(10_000).value());
      assertThat(pool.get("requiredStake").asText())
          .isEqualTo(Amount.open(10_000).value().toString());
      assertThat(pool.get("models").get("standard").asLong()).isEqualTo(1);
      assertThat(pool.get("endpoint").asText()).isEqualTo(node.apiUrl());
      assertThat(events(node.get("/v1/economy/stake/" + operator.toHex()).body()))
          .contains("EndpointSet", "ModelServed", "Staked");
      assertThat(node.get("/v1/economy/stake/0x12").status()).isEqualTo(400);

      // unbonding takes it under the minimum again, at once
      Run u =
          cli(
              "unbond",
              "--operator",
              operator.toHex(),
              "--all",
              "--private-key-file",
              dev5.toString());
      assertThat(u.exit()).as(u.err()).isZero();
      assertThat(u.out()).contains("Unbonding 9000").contains("entry 0");
      assertThat(payRaw(node, paid, body).status()).isEqualTo(503);
      Run show = cliApi(node, "stake", "show", delegator.toHex());
      assertThat(show.exit()).as(show.err()).isZero();
      assertThat(show.out()).contains("entry 0 with " + operator.toHex()).contains("Unbonding");
      Run early =
          cli(
              "stake",
              "withdraw",
              "--operator",
              operator.toHex(),
              "--entry",
              "0",
              "--private-key-file",
              dev5.toString());
      assertThat(early.exit()).isEqualTo(1);
      assertThat(early.err()).contains("staking: entry 0 is released at");
      Run badTerm = cli("stake", "5", "--term", "45", "--private-key-file", dev5.toString());
      assertThat(badTerm.exit()).isEqualTo(1);
      assertThat(badTerm.err()).contains("--term must be flexible, 30, 90, 180 or 365");

      // a validator registration under the minimum is refused, and nothing leaves the account
      Amount before = node.state().balance(delegator);
      Run v = cli("validator", "register", "1000", "--private-key-file", dev5.toString());
      assertThat(v.exit()).isEqualTo(1);
      assertThat(v.err()).contains("challenge: ").contains("10000 OPEN");
      assertThat(node.state().balance(delegator)).isEqualTo(before);
    }
  }

  private static List<String> events(JsonNode stake) {
    List<String> out = new ArrayList<>();
    stake.get("events").forEach(e -> out.add(e.get("event").asText()));
    return out;
  }

  private static EconomyNode.Answer payRaw(EconomyNode node, PaidModelFixture paid, String body)
      throws Exception {
    return node.post("/v1/completions", body, Map.of("Authorization", "Bearer " + paid.apiKey()));
  }

  private Path key(int i) throws Exception {
    Path f = dir.resolve("dev" + i + ".key");
    Files.writeString(f, DevAccounts.ALL.get(i).privateKeyHex());
    return f;
  }

  private static Run cli(String... args) {
    return EconomyCliE2ETest.run(withRpc(args));
  }

  private static String rpc;

  private static String[] withRpc(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--rpc");
    all.add(rpc);
    return all.toArray(String[]::new);
  }

  private static Run cliApi(EconomyNode node, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--api");
    all.add(node.apiUrl());
    return EconomyCliE2ETest.run(all.toArray(String[]::new));
  }
}
