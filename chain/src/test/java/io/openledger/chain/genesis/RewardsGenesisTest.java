package io.openledger.chain.genesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.distributor.Distribution;
import io.openledger.chain.points.PointsRule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The genesis {@code points} and {@code distributor} sections (docs/points.md). */
class RewardsGenesisTest {
  private static final String ROOT =
      "0x4e0740a316c5dac51ecb84762d700fc713eccd2958819b6015a091acbe05fabc";
  private static final String POOL = "0x1000000000000000000000000000000000000001";

  @Test
  void theTestnetExamplePublishesTheDefaultPointsRuleAndAFileWithoutTheSectionHasNone()
      throws IOException {
    ObjectNode g = testnetJson();
    assertThat(Genesis.parse(g.toString()).points()).contains(PointsRule.DEFAULTS);
    g.remove("points");
    assertThat(Genesis.parse(g.toString()).points()).isEmpty();
    g.putObject("points").put("usageDailyCap", 5);
    PointsRule r = Genesis.parse(g.toString()).points().orElseThrow();
    assertThat(r.usageDailyCap()).isEqualTo(5);
    assertThat(r.dataDailyCap()).isEqualTo(PointsRule.DEFAULTS.dataDailyCap());
  }

  @Test
  void aMainnetGenesisWithPointsIsRefusedWithTheReason() throws IOException {
    ObjectNode g = testnetJson();
    g.put("chainId", Genesis.MAINNET_CHAIN_ID).put("network", "mainnet");
    assertThat(problems(g))
        .containsExactly(
            "points: testnet points are for testnets and devnets only, not chain id 1612"
                + " (mainnet): mainnet rewards come from a distributor section");
    g.remove("points");
    assertThat(Genesis.parse(g.toString()).points()).isEmpty();
  }

  @Test
  void unknownPointsKeysAndValuesOutOfRangeAreRefusedByName() throws IOException {
    ObjectNode g = testnetJson();
    ((ObjectNode) g.get("points")).put("dataCap", 3).put("version", 2).put("usageDailyCap", -1);
    assertThat(problems(g))
        .containsExactly(
            "unknown field \"points.dataCap\"",
            "points.usageDailyCap must be a non-negative integer, got -1");
    ((ObjectNode) g.get("points")).remove("dataCap");
    ((ObjectNode) g.get("points")).put("usageDailyCap", 1);
    assertThat(problems(g))
        .containsExactly("points: version must be 1 (the only points rule so far), got 2");
  }

  @Test
  void aDistributorTakesItsAmountFromTheCommunityShare() throws IOException {
    ObjectNode g = mainnetWithDistributor("1000000");
    // the community pool still allocates all 517,100,000: 1,000,000 too many
    assertThat(problems(g))
        .containsExactly(
            "category community allocates 518100000 OPEN, want exactly 517100000 OPEN (51.71% of"
                + " the supply, the distributor's amount included)",
            "allocations sum to 1001000000 OPEN, want exactly 1000000000 OPEN");
    ((ObjectNode) g.get("allocations").get(0)).put("amount", "516100000");
    Genesis ok = Genesis.parse(g.toString());
    Distribution d = ok.distributor().orElseThrow();
    assertThat(d.root()).isEqualTo(Hash.fromHex(ROOT));
    assertThat(d.amount()).isEqualTo(Amount.open(1_000_000));
    assertThat(d.returnTo()).isEqualTo(Address.fromHex(POOL));
    assertThat(d.cliff()).isEqualTo(0);
    assertThat(d.duration()).isEqualTo(31_536_000);

    // the same from code: withDistributor takes it out of the pool
    Genesis withoutSection =
        Genesis.parse(testnetJson().put("chainId", 1612).without("points").toString());
    assertThat(withoutSection.withDistributor(d).validate()).isEmpty();
    assertThat(withoutSection.withDistributor(d).allocations()).isEqualTo(ok.allocations());
  }

  @Test
  void aDistributorMustReturnToTheCommunityPoolAfterGenesisWithARealRoot() throws IOException {
    ObjectNode g = mainnetWithDistributor("1000000");
    ((ObjectNode) g.get("allocations").get(0)).put("amount", "516100000");
    ObjectNode d = (ObjectNode) g.get("distributor");
    d.put("returnTo", "0x1000000000000000000000000000000000000002");
    d.put("deadline", g.get("timestamp").asLong());
    d.put("root", "0x" + "00".repeat(32));
    assertThat(problems(g))
        .containsExactly(
            "distributor.returnTo: 0x1000000000000000000000000000000000000002 is not the address of"
                + " a community allocation (the unclaimed rest goes back to the community pool)",
            "distributor.deadline 1796083200 is not after the genesis timestamp 1796083200",
            "distributor.root is zero (want the root of the published list)");
    d.remove("vesting");
    d.put("roots", 1);
    assertThat(problems(g))
        .containsExactly(
            "unknown field \"distributor.roots\"",
            "distributor.vesting is missing (want {\"cliffSeconds\": N, \"durationSeconds\": N})");
  }

  private static ObjectNode mainnetWithDistributor(String amount) throws IOException {
    ObjectNode g = testnetJson();
    g.remove("points");
    g.put("chainId", Genesis.MAINNET_CHAIN_ID).put("network", "mainnet");
    ObjectNode d = g.putObject("distributor");
    d.put("root", ROOT).put("amount", amount).put("deadline", 1_900_000_000L).put("returnTo", POOL);
    d.putObject("vesting").put("cliffSeconds", 0).put("durationSeconds", 31_536_000);
    return g;
  }

  private static List<String> problems(ObjectNode g) {
    try {
      Genesis.parse(g.toString());
    } catch (GenesisException e) {
      return e.problems();
    }
    throw new AssertionError("the genesis was accepted");
  }

  private static ObjectNode testnetJson() throws IOException {
    try (InputStream in = Genesis.class.getResourceAsStream("/genesis/testnet.example.json")) {
      return (ObjectNode) new ObjectMapper().readTree(in);
    }
  }
}
