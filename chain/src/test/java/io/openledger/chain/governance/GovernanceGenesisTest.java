package io.openledger.chain.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.genesis.GenesisException;
import io.openledger.chain.types.Amount;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The genesis {@code governance} section, and the registry seeded with the genesis {@code economy}
 * values and their bounds.
 */
class GovernanceGenesisTest {

  @Test
  void theDevnetWritesOutShortGovernanceTimesAndAFileWithoutTheSectionGetsTheDefaults()
      throws IOException {
    assertThat(Genesis.devnet().governance()).isEqualTo(GovernanceParameters.DEVNET);
    ObjectNode g = devnetJson();
    g.remove("governance");
    assertThat(Genesis.parse(g.toString()).governance()).isEqualTo(GovernanceParameters.DEFAULTS);
    g.putObject("governance").put("votingPeriod", 600).put("proposalThreshold", "2.5");
    GovernanceParameters p = Genesis.parse(g.toString()).governance();
    assertThat(p.votingPeriod()).isEqualTo(600);
    assertThat(p.proposalThreshold()).isEqualTo(Amount.parseOpen("2.5"));
    assertThat(p.votingDelay()).isEqualTo(GovernanceParameters.DEFAULTS.votingDelay());
  }

  @Test
  void unknownKeysAndValuesOutOfRangeAreRefusedByName() throws IOException {
    ObjectNode g = devnetJson();
    ((ObjectNode) g.get("governance")).put("votingDelays", 3).put("quorumBps", 0);
    assertThatThrownBy(() -> Genesis.parse(g.toString()))
        .isInstanceOf(GenesisException.class)
        .satisfies(
            e ->
                assertThat(((GenesisException) e).problems())
                    .containsExactly("unknown field \"governance.votingDelays\""));
    ((ObjectNode) g.get("governance")).remove("votingDelays");
    assertThatThrownBy(() -> Genesis.parse(g.toString()))
        .satisfies(
            e ->
                assertThat(((GenesisException) e).problems())
                    .containsExactly("governance: quorumBps must be between 1 and 10000, got 0"));
  }

  @Test
  void anEconomyValueOutsideItsGovernableBoundsIsRefused() throws IOException {
    ObjectNode g = devnetJson();
    ((ObjectNode) g.get("economy")).put("lockDaySeconds", 100_000);
    assertThatThrownBy(() -> Genesis.parse(g.toString()))
        .satisfies(
            e ->
                assertThat(((GenesisException) e).problems())
                    .containsExactly(
                        "governance: economy.lockDaySeconds = 100000 is out of bounds [1, 86400]"));
  }

  @Test
  void theRegistryListsEveryEconomyParameterWithItsGenesisValueAndBounds() {
    EconomyChain c = new EconomyChain();
    List<Object> all = c.view(ParameterRegistryModule.ADDRESS, ParameterRegistryModule.PARAMETERS);
    @SuppressWarnings("unchecked")
    List<byte[]> names = (List<byte[]>) all.get(0);
    @SuppressWarnings("unchecked")
    List<BigInteger> values = (List<BigInteger>) all.get(1);
    @SuppressWarnings("unchecked")
    List<BigInteger> setBy = (List<BigInteger>) all.get(4);
    assertThat(names).hasSize(39);
    assertThat(names.stream().map(ParameterSpec::nameOf))
        .contains("platformBps", "maxSubmissionsPerContributorDay", "validatorMissLimit");
    int i = names.stream().map(ParameterSpec::nameOf).toList().indexOf("contributionBond");
    assertThat(values.get(i)).isEqualTo(EconomyParameters.DEVNET.contributionBond().value());
    assertThat(setBy).allMatch(x -> x.signum() == 0);
    assertThat(c.view(ParameterRegistryModule.ADDRESS, ParameterRegistryModule.PARAMETER_COUNT))
        .containsExactly(BigInteger.valueOf(39));
    assertThat(
            c.viewRefused(
                ParameterRegistryModule.ADDRESS,
                ParameterRegistryModule.PARAMETER.encodeCall(
                    (Object) ParameterSpec.key("nothing"))))
        .isEqualTo("parameters: unknown parameter \"nothing\"");
    for (ParameterSpec s : GovernedParameters.of(EconomyParameters.DEFAULTS).all()) {
      assertThat(s.allows(s.genesisValue())).as(s.name()).isTrue();
    }
    assertThat(
            GovernedParameters.crossCheck(
                c.chain.genesis.rules().modules().get(ParameterRegistryModule.ADDRESS).stream()
                    .map(m -> ((ParameterRegistryModule) m).values(c.state()))
                    .findFirst()
                    .orElseThrow()))
        .isEmpty();
  }

  private static ObjectNode devnetJson() throws IOException {
    try (InputStream in = Genesis.class.getResourceAsStream("/genesis/devnet.json")) {
      return (ObjectNode) new ObjectMapper().readTree(in);
    }
  }
}
