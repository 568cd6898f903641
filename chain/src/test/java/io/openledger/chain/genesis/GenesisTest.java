package io.openledger.chain.genesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.Supply;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.vesting.VestingModule;
import io.openledger.chain.vesting.VestingSchedule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenesisTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void devnetAllocatesExactlyTheSupplyPerTheTokenomics() {
    Genesis g = Genesis.devnet();
    assertThat(g.chainId()).isEqualTo(1337);
    assertThat(g.validate()).isEmpty();
    Amount total =
        g.allocations().stream().map(Allocation::amount).reduce(Amount.ZERO, Amount::add);
    assertThat(total).isEqualTo(Amount.open(1_000_000_000));
    for (AllocationCategory c : AllocationCategory.values()) {
      Amount sum =
          g.allocations().stream()
              .filter(a -> a.category() == c)
              .map(Allocation::amount)
              .reduce(Amount.ZERO, Amount::add);
      assertThat(sum).as(c.name()).isEqualTo(c.share());
    }
    assertThat(AllocationCategory.COMMUNITY.percent()).isEqualTo("51.71%");
    assertThat(AllocationCategory.INVESTORS.percent()).isEqualTo("18.29%");
    assertThat(AllocationCategory.TEAM.percent()).isEqualTo("15.00%");
  }

  @Test
  void devAccountKeysDeriveTheirAddresses() {
    assertThat(DevAccounts.ALL).hasSize(10);
    for (DevAccounts.DevAccount d : DevAccounts.ALL) {
      assertThat(KeyPair.fromPrivateKeyHex(d.privateKeyHex()).address())
          .as("dev account %d", d.index())
          .isEqualTo(d.address());
    }
    assertThat(DevAccounts.ALL.getFirst().privateKeyHex())
        .isEqualTo("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  }

  @Test
  void blockZeroFundsDevAccountsAndLocksVestingAllocations() {
    Genesis g = Genesis.devnet().withTimestamp(1_800_000_000L);
    StateDatabase states = new StateDatabase(new InMemoryKeyValueStore());
    ExecutedBlock b = g.toState(states);
    // the state is readable through the overlay's own tree before any batch is committed
    StateReader s = states.at(b.block().header().stateRoot());
    for (DevAccounts.DevAccount d : DevAccounts.ALL) {
      assertThat(s.balance(d.address())).isEqualTo(Amount.open(100_000));
    }
    Supply supply = s.supply();
    assertThat(supply.locked()).isEqualTo(Amount.open(1_000_000_000 - 50_000_000));
    assertThat(supply.balances()).isEqualTo(Amount.open(50_000_000));
    assertThat(SupplyAudit.check(s)).isEmpty();
    VestingSchedule demo = VestingModule.read(s, DevAccounts.VESTING_DEMO.address()).orElseThrow();
    assertThat(demo.total()).isEqualTo(Amount.open(10_000));
    assertThat(demo.start()).isEqualTo(1_800_000_000L);
    assertThat(demo.cliff()).isEqualTo(60);
    assertThat(demo.duration()).isEqualTo(600);
    VestingSchedule team =
        VestingModule.read(s, Address.fromHex("0x1000000000000000000000000000000000000003"))
            .orElseThrow();
    assertThat(team.cliff()).isEqualTo(12 * VestingTerms.MONTH);
    assertThat(team.duration()).isEqualTo(36 * VestingTerms.MONTH);
    assertThat(b.block().header().number()).isZero();
    assertThat(b.block().header().baseFeePerGas()).isEqualTo(g.initialBaseFee());
  }

  @Test
  void sameGenesisGivesSameRoot() {
    Genesis g = Genesis.devnet().withTimestamp(1_800_000_000L);
    var a = g.toState(new StateDatabase(new InMemoryKeyValueStore())).block().header();
    var b = g.toState(new StateDatabase(new InMemoryKeyValueStore())).block().header();
    assertThat(a.stateRoot()).isEqualTo(b.stateRoot());
    assertThat(a.hash()).isEqualTo(b.hash());
    var later =
        g.withTimestamp(1_800_000_001L)
            .toState(new StateDatabase(new InMemoryKeyValueStore()))
            .block()
            .header();
    assertThat(later.stateRoot()).isNotEqualTo(a.stateRoot()); // vesting start is in state
  }

  @Test
  void wrongSumIsRefusedWithTheCategoryAndTheTotal() throws IOException {
    ObjectNode g = devnetJson();
    ((ObjectNode) g.withArray("allocations").get(0)).put("amount", "517089999");
    assertThatThrownBy(() -> Genesis.parse(g.toString()))
        .isInstanceOf(GenesisException.class)
        .hasMessageContaining(
            "category community allocates 517099999 OPEN, want exactly 517100000 OPEN (51.71% of"
                + " the supply)")
        .hasMessageContaining("allocations sum to 999999999 OPEN, want exactly 1000000000 OPEN");
  }

  @Test
  void duplicateAddressIsRefused() throws IOException {
    ObjectNode g = devnetJson();
    ArrayNode allocs = g.withArray("allocations");
    // dev account 0 twice in liquidity: take 100,000 from the liquidity pool to keep the sums
    ((ObjectNode) allocs.get(5)).put("amount", "48900000");
    ObjectNode dup = allocs.get(6).deepCopy();
    allocs.add(dup);
    List<String> problems = problems(g);
    assertThat(problems)
        .singleElement()
        .asString()
        .contains("duplicate address, already has an unlocked allocation at allocations[6]");
  }

  @Test
  void badFieldsAreAllReportedAtOnce() throws IOException {
    ObjectNode g = devnetJson();
    g.put("treasury", "0x1234");
    g.remove("chainId");
    g.put("gasLimit", -5);
    g.put("colour", "blue");
    ((ObjectNode) g.withArray("allocations").get(2)).put("category", "friends");
    ((ObjectNode) g.withArray("allocations").get(3)).put("address", "0xnothex");
    ((ObjectNode) g.withArray("allocations").get(4)).put("amount", "1.0000000000000000001");
    List<String> problems = problems(g);
    assertThat(problems)
        .anyMatch(p -> p.startsWith("treasury: invalid address"))
        .anyMatch(p -> p.equals("chainId is missing"))
        .anyMatch(p -> p.startsWith("gasLimit must be a non-negative integer"))
        .anyMatch(p -> p.equals("unknown field \"colour\""))
        .anyMatch(p -> p.startsWith("allocations[2].category: unknown category \"friends\""))
        .anyMatch(p -> p.startsWith("allocations[3].address: invalid hex string"))
        .anyMatch(p -> p.startsWith("allocations[4].amount: more than 18 decimals"));
  }

  @Test
  void customVestingNeedsTheDevnetFlagAndNeverOnMainnet() throws IOException {
    ObjectNode g = devnetJson();
    g.put("allowCustomVesting", false);
    assertThat(problems(g))
        .singleElement()
        .asString()
        .contains("vesting differs from the community terms")
        .contains("custom vesting needs \"allowCustomVesting\": true (devnet only)");
    ObjectNode m = devnetJson();
    m.put("chainId", 1612);
    assertThat(problems(m))
        .containsExactly("allowCustomVesting is for devnets only, not chain id 1612");
  }

  @Test
  void reservedAndZeroAddressesCannotReceive() throws IOException {
    ObjectNode g = devnetJson();
    ((ObjectNode) g.withArray("allocations").get(5))
        .put("address", "0x0000000000000000000000000000000000001001");
    assertThat(problems(g))
        .singleElement()
        .asString()
        .contains("address is in the reserved system-module range");
  }

  @Test
  void malformedJsonIsAClearError() {
    assertThatThrownBy(() -> Genesis.parse("{\"chainId\": 1337,"))
        .isInstanceOf(GenesisException.class)
        .hasMessageStartingWith("invalid genesis:\n  - not valid JSON");
    assertThatThrownBy(() -> Genesis.parse("[]")).hasMessageContaining("must be a JSON object");
  }

  @Test
  void exampleTestnetGenesisIsValidWithTheDefaultVesting() throws IOException {
    String json;
    try (InputStream in = Genesis.class.getResourceAsStream("/genesis/testnet.example.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Genesis g = Genesis.parse(json);
    assertThat(g.chainId()).isEqualTo(Genesis.TESTNET_CHAIN_ID);
    assertThat(g.allowCustomVesting()).isFalse();
    ExecutedBlock b = g.toState(new StateDatabase(new InMemoryKeyValueStore()));
    assertThat(b.supply())
        .isEqualTo(new Supply(Amount.open(50_000_000), Amount.open(950_000_000), Amount.ZERO));
  }

  @Test
  void devnetEconomyIsWrittenOutAndShortensTheWindows() throws IOException {
    assertThat(Genesis.devnet().economy()).isEqualTo(EconomyParameters.DEVNET);
    assertThat(devnetJson().get("economy").size()).isEqualTo(39);
    assertThat(EconomyParameters.DEVNET.challengeWindow()).isEqualTo(60);
    assertThat(EconomyParameters.DEVNET.withdrawalDelay()).isEqualTo(180);
    assertThat(EconomyParameters.DEVNET.revocationGrace()).isEqualTo(180);
    assertThat(EconomyParameters.DEVNET.maxSubmissionBytes())
        .isEqualTo(EconomyParameters.DEFAULTS.maxSubmissionBytes());
  }

  @Test
  void aFileWithoutEconomyGetsTheDefaultsAndAPartialSectionTheRest() throws IOException {
    ObjectNode g = devnetJson();
    g.remove("economy");
    assertThat(Genesis.parse(g.toString()).economy()).isEqualTo(EconomyParameters.DEFAULTS);

    ObjectNode e = g.putObject("economy");
    e.put("withdrawalDelay", 3_600);
    e.put("platformFee", "0x10");
    EconomyParameters p = Genesis.parse(g.toString()).economy();
    assertThat(p.withdrawalDelay()).isEqualTo(3_600);
    assertThat(p.revocationGrace()).isEqualTo(3_600); // follows withdrawalDelay
    assertThat(p.platformFee()).isEqualTo(Amount.of(16));
    assertThat(p.challengeWindow()).isEqualTo(EconomyParameters.DEFAULTS.challengeWindow());

    e.put("contributionBond", "2.5").put("penaltyThreshold", 5);
    EconomyParameters bonds = Genesis.parse(g.toString()).economy();
    assertThat(bonds.contributionBond()).isEqualTo(Amount.parseOpen("2.5"));
    assertThat(bonds.penaltyThreshold()).isEqualTo(5);
    e.put("contributionBond", "0").put("penaltyThreshold", 1);
    assertThat(problems(g)).containsExactly("economy.contributionBond must be greater than 0");
    e.put("contributionBond", "1").put("penaltyThreshold", 0);
    assertThat(problems(g))
        .containsExactly("economy: penaltyThreshold must be greater than 0, got 0");
  }

  @Test
  void badEconomyKeysAndValuesAreRefusedByName() throws IOException {
    ObjectNode g = devnetJson();
    ObjectNode e = (ObjectNode) g.get("economy");
    e.put("dataShare", 5_000);
    e.put("challengeWindow", -1);
    e.put("platformFee", "one");
    e.put("maxSubmissionsPerContributorPerDay", 4_294_967_295L);
    assertThat(problems(g))
        .containsExactlyInAnyOrder(
            "unknown field \"economy.dataShare\"",
            "economy.challengeWindow must be a non-negative integer, got -1",
            "economy.platformFee must be an integer number of base units, got \"one\"",
            "economy.maxSubmissionsPerContributorPerDay must be at most 2147483647, got"
                + " 4294967295");

    ObjectNode sums = devnetJson();
    ((ObjectNode) sums.get("economy")).put("dataBps", 4_000).put("maxSubmissionBytes", 0);
    assertThat(problems(sums))
        .containsExactlyInAnyOrder(
            "economy: maxSubmissionBytes must be greater than 0, got 0",
            "economy: platformBps + ownerBps + stakersBps + dataBps = 9000, want exactly 10000");

    ObjectNode notObject = devnetJson();
    notObject.put("economy", 5);
    assertThat(problems(notObject))
        .containsExactly("\"economy\" must be an object (keys as in docs/genesis.md)");
  }

  private static List<String> problems(ObjectNode g) {
    try {
      Genesis.parse(g.toString());
      return new ArrayList<>();
    } catch (GenesisException e) {
      return e.problems();
    }
  }

  static ObjectNode devnetJson() throws IOException {
    try (InputStream in = Genesis.class.getResourceAsStream("/genesis/devnet.json")) {
      return (ObjectNode) JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
