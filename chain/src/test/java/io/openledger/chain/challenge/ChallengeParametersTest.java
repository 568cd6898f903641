package io.openledger.chain.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.genesis.GenesisException;
import io.openledger.chain.types.Amount;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The challenge module's parameters: defaults, validation, and the genesis keys that set them. */
class ChallengeParametersTest {

  @Test
  void defaultsAndTheDevnetAreThoseOfTheSpecification() {
    ChallengeParameters d = ChallengeParameters.DEFAULTS;
    assertThat(d.fabricatedUsageSlashBps()).isEqualTo(2_000);
    assertThat(d.unavailabilitySlashBps()).isEqualTo(500);
    assertThat(d.harmedPayerBps()).isEqualTo(2_500);
    assertThat(d.answerWindow()).isEqualTo(86_400);
    assertThat(d.maxValidators()).isEqualTo(100);
    assertThat(d.validatorMissLimit()).isEqualTo(3);
    assertThat(ChallengeParameters.DEVNET.answerWindow()).isEqualTo(30);
    assertThat(ChallengeParameters.DEVNET.voteWindow()).isEqualTo(30);
    assertThat(Genesis.devnet().economy().challenges()).isEqualTo(ChallengeParameters.DEVNET);
    assertThat(d.slashBps(ChallengeKind.FABRICATED_USAGE)).isEqualTo(2_000);
    assertThat(d.slashBps(ChallengeKind.UNAVAILABILITY)).isEqualTo(500);
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    assertThatThrownBy(
            () ->
                new ChallengeParameters(
                    Amount.ZERO,
                    0,
                    10_000,
                    1,
                    6_000,
                    0,
                    0,
                    10_001,
                    Amount.ZERO,
                    0,
                    0,
                    10_000,
                    5_000,
                    0,
                    0,
                    0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("challengeBond must be greater than 0")
        .hasMessageContaining("attributionSlashBps must be between 1 and 9999, got 0")
        .hasMessageContaining("tokenCountSlashBps must be between 1 and 9999, got 10000")
        .hasMessageContaining("fabricatedUsageSlashBps must be between 1 and 9999, got 0")
        .hasMessageContaining("unavailabilitySlashBps must be between 1 and 9999, got 10000")
        .hasMessageContaining("challengerBps + harmedPayerBps must be at most 10000, got 11000")
        .hasMessageContaining("voteQuorumBps must be between 1 and 10000, got 0")
        .hasMessageContaining("voteMajorityBps must be between 1 and 10000, got 10001")
        .hasMessageContaining("voteWindow must be greater than 0, got 0")
        .hasMessageContaining("answerWindow must be greater than 0, got 0")
        .hasMessageContaining("validatorMinimumStake must be greater than 0")
        .hasMessageContaining("maxValidators must be between 1 and 1000, got 0")
        .hasMessageContaining("validatorMissLimit must be at least 1, got 0");
  }

  @Test
  void genesisSetsTheNewKeysAndRefusesBadOnesByName() throws Exception {
    ObjectNode g = devnetJson();
    ObjectNode e = (ObjectNode) g.get("economy");
    e.put("answerWindow", 600);
    e.put("maxValidators", 7);
    e.put("harmedPayerBps", 1_000);
    ChallengeParameters p = Genesis.parse(g.toString()).economy().challenges();
    assertThat(p.answerWindow()).isEqualTo(600);
    assertThat(p.maxValidators()).isEqualTo(7);
    assertThat(p.harmedPayerBps()).isEqualTo(1_000);

    e.put("maxValidators", 5_000);
    e.put("harmedPayerBps", 6_000);
    assertThatThrownBy(() -> Genesis.parse(g.toString()))
        .isInstanceOf(GenesisException.class)
        .hasMessageContaining("economy: challengerBps + harmedPayerBps must be at most 10000")
        .hasMessageContaining("economy: maxValidators must be between 1 and 1000, got 5000");
    e.put("maxValidators", 7);
    e.put("harmedPayerBps", 1_000);
    e.put("validatorMisses", 3);
    assertThatThrownBy(() -> Genesis.parse(g.toString()))
        .hasMessageContaining("economy.validatorMisses");
  }

  @Test
  void validatorsUnbondNoSoonerThanAVoteEnds() throws Exception {
    ObjectNode g = devnetJson();
    ((ObjectNode) g.get("economy")).put("voteWindow", 121);
    assertThatThrownBy(() -> Genesis.parse(g.toString()))
        .hasMessageContaining("economy: unbondingDelay (120) must be at least voteWindow (121)");
  }

  private static ObjectNode devnetJson() throws Exception {
    try (InputStream in = Genesis.class.getResourceAsStream("/genesis/devnet.json")) {
      return (ObjectNode) new ObjectMapper().readTree(in);
    }
  }
}
