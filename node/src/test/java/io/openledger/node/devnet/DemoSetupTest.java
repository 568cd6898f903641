package io.openledger.node.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.staking.StakingParameters;
import io.openledger.chain.staking.TierCheck;
import io.openledger.chain.state.StateReader;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.rpc.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The devnet's demo on a real node: its operator stakes and serves, so the paid demo works. */
class DemoSetupTest {
  @TempDir Path dir;

  @Test
  void theDemoOperatorBondsItsTierMinimumAndServesTheDemoModelSoAPaidRequestIsServed()
      throws Exception {
    try (EconomyNode node = EconomyNode.start(dir)) {
      List<DemoCorpus.Text> texts =
          List.of(
              new DemoCorpus.Text("wisdom", bytes("A stitch in time saves nine.\n%\nLook up.\n")),
              new DemoCorpus.Text("jokes", bytes("Why did the chicken cross the road?\n")));
      DemoSetup.Demo demo =
          new DemoSetup(node.ledger(), node.economy()).run(texts, Optional.of(node.adapterDir));

      StateReader state = node.state();
      StakingParameters staking = node.genesis.economy().staking();
      assertThat(StakingModule.check(state, demo.modelId(), staking))
          .isEqualTo(
              new TierCheck.Met(
                  DemoSetup.OPERATOR.address(),
                  StakingModule.modelStake(state, demo.modelId()).tier(),
                  staking.experimentalMinimum(),
                  staking.experimentalMinimum()));
      assertThat(StakingModule.modelStake(state, demo.modelId()).servedBy())
          .isEqualTo(DemoSetup.OPERATOR.address());

      StringWriter banner = new StringWriter();
      DemoBanner.print(new PrintWriter(banner), node.runner, Optional.of(demo));
      assertThat(banner.toString())
          .contains(
              "staked         "
                  + staking.experimentalMinimum().toOpenString()
                  + " OPEN bonded by the operator (dev account 9), served on the staking module"
                  + " (experimental tier, minimum "
                  + staking.experimentalMinimum().toOpenString()
                  + " OPEN)");

      EconomyNode.Answer paid =
          node.post(
              "/v1/completions",
              Json.MAPPER.writeValueAsString(
                  Map.of(
                      "model", demo.servedModel().orElseThrow(), "prompt", "Hi", "max_tokens", 4)),
              Map.of("Authorization", "Bearer " + demo.apiKey()));
      assertThat(paid.status()).as(paid.body().toString()).isEqualTo(200);
      assertThat(paid.body().get("openledger").get("paid").asBoolean()).isTrue();
      assertThat(node.auditFailures).isEmpty();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
